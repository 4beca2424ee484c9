// The inspector's root component.

export function App() {
  return <main><h1>miahook</h1></main>;
}
