// The import brings the matchers' type declarations; setupJest registers them.
import 'cdktf/lib/testing/adapters/jest';
import { Testing } from 'cdktf';

// Adds toHaveResourceWithProperties and friends to expect().
Testing.setupJest();

// Node 20 is this project's runtime: the AWS SDK's notice about Node 22 is noise in tests.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
