// Every table of the shared declarations (functions/src/infra-shared/tables.ts), on demand.
import type * as cdk from 'aws-cdk-lib'
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb'
import type { Construct } from 'constructs'
import { TABLES, type TableDefinition, type TableKey } from '@yzt/functions/infra-shared/tables'
import { StackPart } from './stack-part'

export class Tables extends StackPart {
  readonly byKey = {} as Record<TableKey, dynamodb.TableV2>

  constructor (scope: Construct, id: string, props: { prefix: string, prod: boolean, removalPolicy: cdk.RemovalPolicy }) {
    super(scope, id)
    for (const [key, def] of Object.entries(TABLES) as [TableKey, (typeof TABLES)[TableKey]][]) {
      this.byKey[key] = new dynamodb.TableV2(this, def.name, {
        tableName: `${props.prefix}-${def.name}`,
        partitionKey: { name: def.partitionKey, type: dynamodb.AttributeType.STRING },
        billing: dynamodb.Billing.onDemand(),
        timeToLiveAttribute: 'ttlAttribute' in def ? def.ttlAttribute : undefined,
        dynamoStream: 'stream' in def ? dynamodb.StreamViewType[def.stream] : undefined,
        // keys only: no number or text is copied into an index; a sort key is a number (epoch ms)
        globalSecondaryIndexes: indexesOf(def).map(i => ({
          indexName: i.name,
          partitionKey: { name: i.partitionKey, type: dynamodb.AttributeType.STRING },
          sortKey: i.sortKey === undefined ? undefined : { name: i.sortKey, type: dynamodb.AttributeType.NUMBER },
          projectionType: dynamodb.ProjectionType.KEYS_ONLY
        })),
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: 'pointInTimeRecovery' in def && def.pointInTimeRecovery },
        deletionProtection: props.prod,
        removalPolicy: props.removalPolicy
      })
    }
  }
}

/** a table's global secondary indexes as declared (none when it declares none) */
export function indexesOf (def: TableDefinition): NonNullable<TableDefinition['indexes']> {
  return def.indexes ?? []
}
