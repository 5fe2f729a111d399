import { ConnectionType } from '../common/connection.js';
import { Pairing } from './pairing.entity.js';

/** `PairingConnection`: a page of pairings. */
export const PairingConnection = ConnectionType(Pairing, 'Pairing', '结对');
