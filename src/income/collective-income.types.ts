import { ConnectionType } from '../common/connection.js';
import { CollectiveIncome } from './collective-income.entity.js';

/** `CollectiveIncomeConnection`: a page of yearly collective-income rows. */
export const CollectiveIncomeConnection = ConnectionType(CollectiveIncome, 'CollectiveIncome', '村集体经济收入');
