import { ProgressStep, Reporter } from '../project/progress';

export interface OutputOptions {
  readonly stream: NodeJS.WriteStream | NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  /** Force colour off, as --no-color does. */
  readonly noColor?: boolean;
}

/** A Reporter on a stream: whether it paints colour and whether it redraws lines in place. */
export interface Output extends Reporter {
  readonly color: boolean;
  readonly interactive: boolean;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * Progress and messages for people, on stderr. On a terminal a step is one line
 * that updates in place; in a log (not a TTY, or TERM=dumb) each step prints a
 * start and an end line, with updates at most every 10 seconds. NO_COLOR and
 * --no-color turn colour off.
 */
export function createOutput(options: OutputOptions): Output {
  const stream = options.stream as NodeJS.WriteStream;
  const interactive = Boolean(stream.isTTY) && options.env['TERM'] !== 'dumb' && !options.env['CI'];
  const color =
    !options.noColor && options.env['NO_COLOR'] === undefined && (options.env['FORCE_COLOR'] !== undefined ? options.env['FORCE_COLOR'] !== '0' : interactive);
  const paint = (code: number) => (text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const write = (text: string): void => {
    stream.write(text);
  };

  const output: Output = {
    color,
    interactive,
    line: (text) => write(`${text}\n`),
    bold: paint(1),
    dim: paint(2),
    green: paint(32),
    red: paint(31),
    yellow: paint(33),
    info: (message) => write(`${message}\n`),
    warn: (message) => write(`${output.yellow('warning:')} ${message}\n`),
    step(label: string): ProgressStep {
      const started = Date.now();
      let detail = '';
      let frame = 0;
      let lastLogged = started;
      let timer: NodeJS.Timeout | undefined;
      const render = (): void => {
        frame = (frame + 1) % FRAMES.length;
        write(`\r\u001b[2K${output.dim(FRAMES[frame])} ${label}${detail ? output.dim(` ${detail}`) : ''}`);
      };
      if (interactive) {
        render();
        timer = setInterval(render, 100);
        timer.unref();
      } else {
        write(`- ${label} ...\n`);
      }
      const finish = (mark: string, text: string): void => {
        if (timer) clearInterval(timer);
        const line = `${mark} ${label}: ${text}`;
        write(interactive ? `\r\u001b[2K${line}\n` : `${line}\n`);
      };
      return {
        update(next: string) {
          detail = next;
          if (!interactive && Date.now() - lastLogged >= 10_000) {
            lastLogged = Date.now();
            write(`  ${label}: ${next}\n`);
          }
        },
        done: (text) => finish(output.green('✓'), text),
        fail: (text) => finish(output.red('✗'), text),
        skip: (text) => finish(output.yellow('○'), `skipped, ${text}`),
      };
    },
  };
  return output;
}
