import { instrumentHttpAndFetch } from './instrumentations';

// Runs on import: the first import of `@kirim/platform/tracing`, and so of main.ts, hooks node:http
// before anything else loads it (the instrumentation patches the module as it is loaded).
instrumentHttpAndFetch();
