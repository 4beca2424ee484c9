// The inspector's root: reads the session, starts the live stream, and lays out header, tabs and toasts.

import { useEffect } from 'preact/hooks';
import { configureApi } from './api/client.ts';
import { forgetToken, readSession, type Session } from './api/session.ts';
import { CapturesView } from './components/CapturesView.tsx';
import { CheckTab } from './components/CheckTab.tsx';
import { EmulatorView } from './components/EmulatorView.tsx';
import { ErrorBoundary } from './components/ErrorBoundary.tsx';
import { Header } from './components/Header.tsx';
import { AuthProblemPage, NoTokenPage } from './components/NoticePages.tsx';
import { PaymentsView } from './components/PaymentsView.tsx';
import { Toasts } from './components/Toasts.tsx';
import { authProblemStore, statusStore, viewStore, type Tab } from './state/app-state.ts';
import { startLiveUpdates } from './state/live-events.ts';
import { useStore } from './state/store.ts';

const session = readSession();
if (session) {
  configureApi(session, (message) => {
    if (session.kind === 'owner') forgetToken();
    authProblemStore.set(message);
  });
  if (session.kind === 'share') viewStore.patch({ readOnly: true });
}

export function App() {
  const authProblem = useStore(authProblemStore);
  if (!session) return <NoTokenPage />;
  if (authProblem) return <AuthProblemPage message={authProblem} share={session.kind === 'share'} />;
  return <Inspector session={session} />;
}

function Inspector(props: { session: Session }) {
  const view = useStore(viewStore);
  const { status } = useStore(statusStore);
  useEffect(() => {
    const connection = startLiveUpdates(props.session);
    return () => connection.close();
  }, [props.session]);
  return (
    <div class="app">
      <Header />
      {view.readOnly && (
        <div class="readonly-bar" role="note">{status?.sharedCaptureId
          ? 'Read-only shared view of one capture: its signature check and body, as its owner sees them.'
          : 'Read-only shared view: captures arrive here live; replaying, deleting and creating are off.'}</div>
      )}
      <main class="main">
        <ErrorBoundary label={view.tab}>
          <TabView tab={view.readOnly && view.tab === 'check' ? 'captures' : view.tab} />
        </ErrorBoundary>
      </main>
      <Toasts />
    </div>
  );
}

function TabView(props: { tab: Tab }) {
  switch (props.tab) {
    case 'captures': return <CapturesView />;
    case 'payments': return <PaymentsView />;
    case 'emulator': return <EmulatorView />;
    case 'check': return <CheckTab />;
  }
}
