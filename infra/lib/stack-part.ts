// A part of the stack (tables, functions, API…) as its own construct, without moving any resource:
// a part is left out of logical ids (YztStack.allocateLogicalId), so every resource keeps the id it
// had when the stack was one constructor and CloudFormation replaces nothing (test/logical-ids.test.ts).
import { createHash } from 'node:crypto'
import type * as cdk from 'aws-cdk-lib'
import { Construct, type IConstruct } from 'constructs'

export class StackPart extends Construct {}

/**
 * CDK's own logical-id scheme (aws-cdk-lib core `makeUniqueId`: the path's alphanumerics plus an
 * 8-character hash of the path; "Default" hidden, "Resource" left out of the readable part), over
 * the path from the stack with the parts left out.
 */
export function logicalIdWithoutParts (stack: cdk.Stack, element: cdk.CfnElement): string {
  const scopes = element.node.scopes
  return cdkUniqueId(scopes.slice(scopes.indexOf(stack) + 1).filter(s => !(s instanceof StackPart)).map(s => s.node.id))
}

/** `Names.nodeUniqueId` as it was before the split: the path from the app, the parts left out */
export function uniqueIdWithoutParts (construct: IConstruct): string {
  return cdkUniqueId(construct.node.scopes.slice(1).filter(s => !(s instanceof StackPart)).map(s => s.node.id))
}

function cdkUniqueId (path: string[]): string {
  const components = path.filter(id => id !== 'Default')
  const alnum = (s: string) => s.replace(/[^A-Za-z0-9]/g, '')
  if (components.length === 1 && alnum(components[0]!).length <= 255) return alnum(components[0]!)
  const hash = createHash('md5').update(components.join('/')).digest('hex').slice(0, 8).toUpperCase()
  const readable: string[] = []
  for (const c of components) if (readable.length === 0 || !readable[readable.length - 1]!.endsWith(c)) readable.push(c)
  return readable.filter(c => c !== 'Resource').map(alnum).join('').slice(0, 240) + hash
}
