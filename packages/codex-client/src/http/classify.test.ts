import { describe, expect, it } from 'vitest';
import { BuildError, ConnectionError, NetworkError, TimeoutError } from '../errors/transport-error.js';
import { classifyBodyError, classifySendError } from './classify.js';

function coded(code: string, message = `failed: ${code}`): Error {
  return Object.assign(new Error(message), { code });
}

describe('classifySendError', () => {
  it.each([
    'ECONNREFUSED',
    'ENOTFOUND',
    'EAI_AGAIN',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'ETIMEDOUT',
    'UND_ERR_CONNECT_TIMEOUT',
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
  ])('maps %s to ConnectionError', (code) => {
    const error = classifySendError(coded(code));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toBe(`failed: ${code}`);
    expect((error.cause as Error).message).toBe(`failed: ${code}`);
  });

  it('looks into AggregateError (happy eyeballs) and causes', () => {
    const aggregate = Object.assign(new AggregateError([coded('ECONNREFUSED')], ''), {});
    const error = classifySendError(aggregate);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toBe('ECONNREFUSED');
    expect(classifySendError(new Error('wrapped', { cause: coded('ENOTFOUND') }))).toBeInstanceOf(
      ConnectionError,
    );
  });

  it('maps invalid arguments to BuildError, library timeouts to TimeoutError, the rest to NetworkError', () => {
    expect(classifySendError(coded('UND_ERR_INVALID_ARG', 'invalid authorization header'))).toBeInstanceOf(
      BuildError,
    );
    expect(classifySendError(coded('UND_ERR_HEADERS_TIMEOUT'))).toBeInstanceOf(TimeoutError);
    const socket = classifySendError(coded('UND_ERR_SOCKET', 'other side closed'));
    expect(socket).toBeInstanceOf(NetworkError);
    expect(socket.message).toBe('other side closed');
    expect(classifySendError(coded('ECONNRESET'))).toBeInstanceOf(NetworkError);
    expect(classifySendError('weird')).toBeInstanceOf(NetworkError);
  });

  it('passes transport errors through', () => {
    const original = new TimeoutError('deadline');
    expect(classifySendError(original)).toBe(original);
    expect(classifyBodyError(original)).toBe(original);
  });
});

describe('classifyBodyError', () => {
  it('is always NetworkError("error decoding response body") with the cause kept', () => {
    const cause = coded('UND_ERR_SOCKET', 'other side closed');
    const error = classifyBodyError(cause);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.message).toBe('error decoding response body');
    expect(error.cause).toBe(cause);
  });
});
