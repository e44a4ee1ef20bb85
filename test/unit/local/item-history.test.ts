import { describe, expect, it } from '@jest/globals';
import { ItemHistory } from '../../../local/item-history.js';

const item = (status: string, uuid = 'u-1') => ({ userEmail: { S: 'ada@example.gov.uk' }, uuid: { S: uuid }, status: { S: status } });
const KEY = { userEmail: { S: 'ada@example.gov.uk' }, uuid: { S: 'u-1' } };

describe('the fault proxy’s item history', () => {
  it('knows the version before the latest, per table and key, once there are two', () => {
    const history = new ItemHistory();
    history.rememberWrite('PutItem', { TableName: 'LeaseTable', Item: item('Active') });

    expect(history.previous('LeaseTable', KEY)).toBeUndefined();
    history.rememberWrite('PutItem', { TableName: 'LeaseTable', Item: item('Frozen') });
    expect(history.previous('LeaseTable', KEY)).toEqual(item('Active'));
    expect(history.previous('OtherTable', KEY)).toBeUndefined();
  });

  it('records the puts of batch and transactional writes, and ignores deletes and other requests', () => {
    const history = new ItemHistory();
    history.rememberWrite('BatchWriteItem', {
      RequestItems: { LeaseTable: [{ PutRequest: { Item: item('PendingApproval') } }, { DeleteRequest: { Key: KEY } }] },
    });
    history.rememberWrite('TransactWriteItems', {
      TransactItems: [{ Put: { TableName: 'LeaseTable', Item: item('Active') } }, { Update: {} }],
    });
    history.rememberWrite('GetItem', { TableName: 'LeaseTable', Key: KEY });

    expect(history.previous('LeaseTable', KEY)).toEqual(item('PendingApproval'));
  });

  it('answers with the version before the latest after many writes, and forgets them all on clear', () => {
    const history = new ItemHistory();
    for (let version = 0; version < 20; version += 1) history.remember('LeaseTable', item(`v${version}`));

    expect(history.previous('LeaseTable', KEY)).toEqual(item('v18'));
    history.clear();
    expect(history.previous('LeaseTable', KEY)).toBeUndefined();
  });
});
