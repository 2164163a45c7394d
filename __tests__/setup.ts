// Adds toHaveResourceWithProperties and friends to expect(). The adapter alone, not the
// `cdktf` package root: a test file that synthesizes nothing need not load all of cdktf.
import { setupJest } from 'cdktf/lib/testing/adapters/jest';
// cdktf captures an unbounded stack trace for every token it creates, and under jest each
// frame goes through jest's source-map lookup: 60% of a stack's synth time (4.4 s → 1.8 s
// for the platform-stack tests). The traces only decorate the message of a token that fails
// to resolve; Testing.app() already keeps them out of the synthesized JSON.
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('cdktf/lib/tokens/private/stack-trace').captureStackTrace = () => [];

setupJest();

// Node 20 is this project's runtime: the AWS SDK's notice about Node 22 is noise in tests.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
