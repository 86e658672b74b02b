/**
 * An expected refusal, rendered as Rocket.Chat's error envelope `{success: false, error, errorType}`. Services and
 * routes (the host's and plugins') throw it; the error handler turns it into the response. `message` is shown to
 * clients: it must never contain a secret.
 */
export class ApiError extends Error {
  constructor(
    readonly statusCode: 400 | 401 | 403 | 404 | 409 | 429 | 500 | 503,
    readonly errorType: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (errorType: string, message: string) => new ApiError(400, errorType, message);
export const forbidden = (message = 'Not allowed', errorType = 'error-not-allowed') => new ApiError(403, errorType, message);
export const notFound = (errorType: string, message: string) => new ApiError(404, errorType, message);
export const unauthorized = (message = 'You must be logged in to do this.') =>
  new ApiError(401, 'error-unauthorized', message);
