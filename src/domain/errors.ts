/**
 * A UserError is a problem the user can fix (a file that cannot be read, a bad option): the CLI prints its
 * message, never a stack trace, and exits with its code.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
