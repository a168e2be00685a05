/** An error answered in the service's own envelope, with AWS's code, message and HTTP status. */
export class ApiError extends Error {
  /** REST-JSON services (EBS direct) carry a machine-readable reason beside the code. */
  reason: string | undefined;

  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    /** awsQuery `<Type>`: Sender for client faults, Receiver for server faults. */
    readonly type: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
  ) {
    super(message);
  }
}

export function withReason(err: ApiError, reason: string): ApiError {
  err.reason = reason;
  return err;
}

export const invalidParameterValue = (message: string) => new ApiError('InvalidParameterValue', message);
export const missingParameter = (name: string) =>
  new ApiError('MissingParameter', `The request must contain the parameter ${name}`);
