import { ConnectionType } from '../common/connection.js';
import { FundFlow } from './fund-flow.entity.js';

/** `FundFlowConnection`: a page of fund flows. */
export const FundFlowConnection = ConnectionType(FundFlow, 'FundFlow', '资金流');
