import { Testing } from 'cdktf';
// Brings the typings of cdktf's Jest matchers (toHaveResourceWithProperties, ...).
import 'cdktf/lib/testing/adapters/jest';

Testing.setupJest();
