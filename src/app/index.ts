/** The app layer: routes, middleware, context, errors, bodies, cookies, files. */
export { App, type AppOptions, type Handler, type NotFoundHandler } from './app.ts';
export { Context, type ContextVariables, type Output } from './context.ts';
export { AppRequest } from './request.ts';
export { HttpError, type HttpErrorOptions } from './http-error.ts';
export type { Next, Middleware } from './compose.ts';
export type { ErrorHandler } from './error-response.ts';
export { serializeCookie, parseCookies, type CookieOptions } from './cookies.ts';
export { DEFAULT_FORM_LIMITS, type FormLimits } from './form.ts';
export { consoleLogger, type Logger } from './logger.ts';
export type { ProxyHeaders, TrustProxy } from './proxy.ts';
export type { InProcessInit, InProcessResponse } from './in-process.ts';
export { compress, type CompressOptions, type CompressEncoding } from './compress.ts';
export { serveStatic, type FileOptions, type StaticOptions } from './static.ts';
export * from './metrics/index.ts';
