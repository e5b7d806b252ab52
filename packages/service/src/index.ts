export { ConfigurationError, type Env, integerFromEnv } from './config.ts';
export { type ListenHttpOptions, type ListeningHttp, listenHttp } from './listen.ts';
export { type RunningService, runService } from './main.ts';
