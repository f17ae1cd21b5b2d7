import { z } from "zod";

// Runs in the browser before the portal becomes interactive. zod compiles fast parsers with `new Function` when it
// may; under the portal's CSP (no 'unsafe-eval', see lib/security-headers.ts) its probe for that is refused and
// reported as a CSP violation. Telling it up front keeps the browser's CSP reports meaningful.
z.config({ jitless: true });
