/** An error whose message is meant for the user as it stands: one line saying what to change. */
export class UserError extends Error {
  override name = 'UserError';
}
