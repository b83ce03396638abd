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

/**
 * What a use case says to people: lines, warnings, steps, and the marks that style them. The CLI's output
 * implements it for a terminal or a log (colour only where it should); tests and scripts can give their own.
 */
export interface Reporter extends Progress {
  /** Prints a line. */
  line(text: string): void;
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
}
