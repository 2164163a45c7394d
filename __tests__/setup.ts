// The import brings the matchers' type declarations; setupJest registers them.
import 'cdktf/lib/testing/adapters/jest';
import { Testing } from 'cdktf';

// Adds toHaveResourceWithProperties and friends to expect().
Testing.setupJest();
