/** How long-running work reports itself; the CLI renders it for a terminal or a log. */
export interface Progress {
  /** Starts a step that may take a while. */
  step(label: string): ProgressStep;
  info(message: string): void;
  warn(message: string): void;
}

export interface ProgressStep {
  /** Replaces the step's detail, e.g. "installing 24 packages". */
  update(detail: string): void;
  done(detail: string): void;
  fail(detail: string): void;
  /** Ends a step that could not do its work: neither passed nor failed. */
  skip(detail: string): void;
}

/** Progress that goes nowhere, for library callers and tests. */
export const silentProgress: Progress = {
  step: () => ({ update: () => undefined, done: () => undefined, fail: () => undefined, skip: () => undefined }),
  info: () => undefined,
  warn: () => undefined,
};
