/** An error that stops a CLI run with a clear sentence and an exit code (never a stack trace). */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}
