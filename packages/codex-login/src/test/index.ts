/**
 * `@codex-ts/login/test`: fixtures shared by the workspace's tests of ChatGPT sign-in
 * (workspace-only: not published, see tsup.shared.ts): unsigned ID and access JWTs.
 */
export { accessToken, epochIn, fakeJwt, idToken } from './jwt.js';
