/**
 * How every construct of this project refuses bad props: in its constructor, before it
 * creates anything, with every problem at once and the construct's path in the tree.
 */
import { Construct } from 'constructs';
import { constructPropsInvalid } from './errors';

export function rejectInvalidProps(scope: Construct, problems: readonly string[]): void {
  if (problems.length) throw constructPropsInvalid(scope.node.path, problems);
}
