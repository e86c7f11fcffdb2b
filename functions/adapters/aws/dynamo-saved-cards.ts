import { DeleteCommand, GetCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { setting } from '../../config/env';
import { uses } from '../../config/needs';
import type { AgreementCycles, CycleStep } from '../../domain/agreement-cycle';
import { assertMaskedCardNumber } from '../../domain/saved-card';
import type { DeleteCardResult, SavedCard, SavedCards, StoredCard } from '../../ports';
import type { CardKeeper } from '../../ports/saved-cards';
import { dynamoDocumentClient } from './aws-clients';
import { cancellationReasons, dynamoCall } from './dynamo-errors';
import { queryAll } from './dynamo-query';
import { CARD_SK_PREFIX, cardAgreementKey, customerPk, savedCardKey } from './table-keys';

/**
 * Saved cards in the single table (docs/dynamodb.md): in the customer's partition
 * `CUSTOMER#<customer_id>`, a card item `CARD#<token>` (what may be shown of the card, and the
 * string set `active_agreements` of the auto-debit agreements charging it) and an agreement item
 * `AGREEMENT#<agreement_id>` naming the card it charges and holding its cycles (`charges`,
 * `last_paid_at`, the string set `pending`: domain/agreement-cycle.ts), which the session
 * repository updates in the transaction of the auto-debit write (`agreementCycleUpdate`).
 * Replacing an agreement's card moves the
 * agreement from one card's set to the other's in one transaction; a delete is one conditional
 * DeleteItem that fails while the set is non-empty (DynamoDB removes an emptied set), so no
 * card charged by an active agreement is ever deleted, however requests interleave.
 */

const CARD_FIELDS = ['customer_id', 'token', 'pg_code', 'agreement_id', 'brand', 'number', 'expiry_month', 'expiry_year', 'name_on_card', 'created_at'] as const;
/** A lost race on the agreement item (another replacement in between) is tried again, this many times. */
const AGREEMENT_ATTEMPTS = 5;

type CardItem = SavedCard & { pk: string; sk: string; active_agreements?: Set<string> };

function stored(item: CardItem): StoredCard {
  const card = Object.fromEntries(CARD_FIELDS.filter((field) => item[field] !== undefined).map((field) => [field, item[field]])) as unknown as SavedCard;
  return { ...card, active_agreements: [...(item.active_agreements ?? [])].sort() };
}

export class DynamoSavedCards implements SavedCards {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async save(card: SavedCard): Promise<void> {
    assertMaskedCardNumber(card.number);
    // An update, not a put: saving the same token again keeps the agreements charging it.
    const set = CARD_FIELDS.filter((field) => card[field] !== undefined);
    const remove = CARD_FIELDS.filter((field) => card[field] === undefined);
    await dynamoCall(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: savedCardKey(card.customer_id, card.token),
          UpdateExpression: `SET ${set.map((field) => `#${field} = :${field}`).join(', ')}${remove.length ? ` REMOVE ${remove.map((field) => `#${field}`).join(', ')}` : ''}`,
          ExpressionAttributeNames: Object.fromEntries(CARD_FIELDS.map((field) => [`#${field}`, field])),
          ExpressionAttributeValues: Object.fromEntries(set.map((field) => [`:${field}`, card[field]])),
        }),
      ),
    );
  }

  async get(customerId: string, token: string): Promise<StoredCard | undefined> {
    const { Item } = await dynamoCall(() => this.client.send(new GetCommand({ TableName: this.table, Key: savedCardKey(customerId, token), ConsistentRead: true })));
    return Item ? stored(Item as CardItem) : undefined;
  }

  async list(customerId: string, filter: { pgCode?: string; agreementId?: string } = {}): Promise<StoredCard[]> {
    const items = await queryAll(this.client, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :card)',
      ExpressionAttributeValues: { ':pk': customerPk(customerId), ':card': CARD_SK_PREFIX },
      ConsistentRead: true,
    });
    const cards = items.map((item) => stored(item as unknown as CardItem));
    return cards
      .filter((card) => (filter.pgCode === undefined || card.pg_code === filter.pgCode) && (filter.agreementId === undefined || card.agreement_id === filter.agreementId))
      .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.token.localeCompare(b.token));
  }

  async agreementCard(customerId: string, agreementId: string): Promise<string | undefined> {
    const { Item } = await dynamoCall(() => this.client.send(new GetCommand({ TableName: this.table, Key: cardAgreementKey(customerId, agreementId), ConsistentRead: true })));
    return Item?.token as string | undefined;
  }

  async agreementCycles(customerId: string, agreementId: string): Promise<AgreementCycles> {
    const { Item } = await dynamoCall(() => this.client.send(new GetCommand({ TableName: this.table, Key: cardAgreementKey(customerId, agreementId), ConsistentRead: true })));
    return {
      charges: Number(Item?.charges ?? 0),
      ...(typeof Item?.last_paid_at === 'string' ? { last_paid_at: Item.last_paid_at } : {}),
      pending: [...((Item?.pending as Set<string> | undefined) ?? [])].sort(),
    };
  }

  async useForAgreement(customerId: string, agreementId: string, token: string, paidAt?: string): Promise<'ok' | 'not_found'> {
    for (let attempt = 1; ; attempt += 1) {
      const previous = await this.agreementCard(customerId, agreementId);
      const agreementSet = new Set([agreementId]);
      try {
        await dynamoCall(() =>
          this.client.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Update: {
                    TableName: this.table,
                    Key: savedCardKey(customerId, token),
                    UpdateExpression: 'ADD active_agreements :agreement',
                    ConditionExpression: 'attribute_exists(pk)',
                    ExpressionAttributeValues: { ':agreement': agreementSet },
                  },
                },
                {
                  // An update: the agreement's cycles stay as they are (its last payment stamped when given).
                  Update: {
                    TableName: this.table,
                    Key: cardAgreementKey(customerId, agreementId),
                    UpdateExpression: paidAt === undefined ? 'SET #token = :token' : 'SET #token = :token, #last = :paid',
                    // Only over what was read: a concurrent replacement makes this attempt fail and retry.
                    ConditionExpression: previous === undefined ? 'attribute_not_exists(#token)' : '#token = :previous',
                    ExpressionAttributeNames: { '#token': 'token', ...(paidAt === undefined ? {} : { '#last': 'last_paid_at' }) },
                    ExpressionAttributeValues: { ':token': token, ...(previous === undefined ? {} : { ':previous': previous }), ...(paidAt === undefined ? {} : { ':paid': paidAt }) },
                  },
                },
                ...(previous !== undefined && previous !== token
                  ? [{ Update: { TableName: this.table, Key: savedCardKey(customerId, previous), UpdateExpression: 'DELETE active_agreements :agreement', ExpressionAttributeValues: { ':agreement': agreementSet } } }]
                  : []),
              ],
            }),
          ),
        );
        return 'ok';
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (!reasons) throw error;
        if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'not_found';
        if (attempt >= AGREEMENT_ATTEMPTS) throw error;
      }
    }
  }

  async endAgreement(customerId: string, agreementId: string): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      const token = await this.agreementCard(customerId, agreementId);
      if (token === undefined) return;
      try {
        await dynamoCall(() =>
          this.client.send(
            new TransactWriteCommand({
              TransactItems: [
                // The card goes; the agreement's cycles stay (set up again, it is still the same agreement).
                { Update: { TableName: this.table, Key: cardAgreementKey(customerId, agreementId), UpdateExpression: 'REMOVE #token', ConditionExpression: '#token = :token', ExpressionAttributeNames: { '#token': 'token' }, ExpressionAttributeValues: { ':token': token } } },
                { Update: { TableName: this.table, Key: savedCardKey(customerId, token), UpdateExpression: 'DELETE active_agreements :agreement', ExpressionAttributeValues: { ':agreement': new Set([agreementId]) } } },
              ],
            }),
          ),
        );
        return;
      } catch (error) {
        if (!cancellationReasons(error) || attempt >= AGREEMENT_ATTEMPTS) throw error;
      }
    }
  }

  async delete(customerId: string, token: string): Promise<DeleteCardResult> {
    try {
      await dynamoCall(() =>
        this.client.send(
          new DeleteCommand({
            TableName: this.table,
            Key: savedCardKey(customerId, token),
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(active_agreements)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
      );
      return 'deleted';
    } catch (error) {
      if (!(error instanceof Error) || error.name !== 'ConditionalCheckFailedException') throw error;
      // The item that stopped it comes back: present means an agreement holds it.
      return (error as Error & { Item?: unknown }).Item ? 'in_use' : 'not_found';
    }
  }
}

type TransactUpdate = NonNullable<NonNullable<TransactWriteCommandInput['TransactItems']>[number]['Update']>;

/**
 * The agreement item's update for a cycle step, to commit in the transaction of the session
 * write that starts or settles the charge (domain/agreement-cycle.ts). Only a `reserve` has a
 * condition (the agreement set up, no charge pending, the bounds); a settled charge is recorded
 * whatever the item holds, since money moved, and the session's version condition in the same
 * transaction makes sure it is recorded once.
 */
export function agreementCycleUpdate(table: string, step: CycleStep): TransactUpdate {
  const key = cardAgreementKey(step.customer_id, step.agreement_id);
  const reference = new Set([step.reference]);
  if (step.kind === 'charged') {
    return {
      TableName: table,
      Key: key,
      UpdateExpression: 'SET #last = :paid ADD #charges :one DELETE #pending :reference',
      ExpressionAttributeNames: { '#last': 'last_paid_at', '#charges': 'charges', '#pending': 'pending' },
      ExpressionAttributeValues: { ':paid': step.paid_at, ':one': 1, ':reference': reference },
    };
  }
  if (step.kind === 'released') {
    return { TableName: table, Key: key, UpdateExpression: 'DELETE #pending :reference', ExpressionAttributeNames: { '#pending': 'pending' }, ExpressionAttributeValues: { ':reference': reference } };
  }
  const conditions = ['attribute_exists(#token)', 'attribute_not_exists(#pending)'];
  const names: Record<string, string> = { '#token': 'token', '#pending': 'pending' };
  const values: Record<string, unknown> = { ':reference': reference };
  if (step.total_cycles !== undefined) {
    conditions.push('(attribute_not_exists(#charges) OR #charges < :total)');
    names['#charges'] = 'charges';
    values[':total'] = step.total_cycles;
  }
  if (step.paid_before !== undefined) {
    conditions.push('(attribute_not_exists(#last) OR #last < :before)');
    names['#last'] = 'last_paid_at';
    values[':before'] = step.paid_before;
  }
  return { TableName: table, Key: key, UpdateExpression: 'ADD #pending :reference', ConditionExpression: conditions.join(' AND '), ExpressionAttributeNames: names, ExpressionAttributeValues: values };
}

export function dynamoSavedCards(): DynamoSavedCards {
  uses({ table: ['GetItem', 'QueryTable', 'UpdateItem', 'DeleteItem'], keys: ['customer'] });
  return new DynamoSavedCards(dynamoDocumentClient(), setting('CHECKOUT_TABLE'));
}

/** What listing a customer's cards reads: one Query of the customer's partition (and a card by its key). Writes nothing. */
export function dynamoCardReader(): Pick<SavedCards, 'list' | 'get'> {
  uses({ table: ['GetItem', 'QueryTable'], readOnlyKeys: ['customer'] });
  return new DynamoSavedCards(dynamoDocumentClient(), setting('CHECKOUT_TABLE'));
}

/**
 * What a sync needs to keep a paid attempt's card (app/save-attempt-card.ts): save it, make it
 * the card an agreement charges, give a second copy back; and what an auto-debit reads (the
 * card, the agreement's card and cycles). No Query: it lists nothing. Every write is an update
 * (a card saved again keeps its agreements; an agreement's new card keeps its cycles) or a delete.
 */
export function dynamoCardKeeper(): CardKeeper {
  uses({ table: ['GetItem', 'UpdateItem', 'DeleteItem'], keys: ['customer'] });
  return new DynamoSavedCards(dynamoDocumentClient(), setting('CHECKOUT_TABLE'));
}
