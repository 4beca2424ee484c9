// Entry of the inspector UI: mounts the Preact app.

import { render } from 'preact';
import { App } from './app.tsx';

render(<App />, document.getElementById('app')!);
