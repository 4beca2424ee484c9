// Catches a rendering error in a part of the page and shows it in words instead of a blank area.

import { Component, type ComponentChildren } from 'preact';

interface Props {
  children: ComponentChildren;
  label: string;
}

export class ErrorBoundary extends Component<Props, { error: Error | null }> {
  override state = { error: null as Error | null };

  override componentDidCatch(error: Error): void {
    console.error(error);
    this.setState({ error });
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div class="panel-error" role="alert">
        <strong>The {this.props.label} could not be shown.</strong>
        <p>{this.state.error.message}</p>
        <button type="button" class="btn" onClick={() => this.setState({ error: null })}>Try again</button>
      </div>
    );
  }
}
