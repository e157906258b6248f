/** An error whose message is written for the user and safe to show in a renderer. */
export class UserFacingError extends Error {
  override readonly name = 'UserFacingError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
