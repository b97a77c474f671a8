import { exchangesOf, type TurnRecord } from '../../common/session';
import { conversationKey, type Exchange } from '../sessions/conversation';

/**
 * The exchanges of a turn and its ancestors (found by their keys), oldest first; undefined if a
 * turn of the branch is held without its text, or (`partial`: earlier turns are not among these)
 * the branch leads to a turn that is not here.
 */
export function chainThrough(turns: TurnRecord[], turnId: string, partial: boolean): Exchange[] | undefined {
  const exchanges: Exchange[] = [];
  let turn = turns.find((t) => t.id === turnId);
  // Bounded by the turn count, so a damaged record that names itself cannot loop.
  for (let steps = 0; turn && steps <= turns.length; steps += 1) {
    if (turn.status === 'done' && !turn.user) return undefined;
    exchanges.unshift(...exchangesOf(turn));
    const parentKey = turn.parentKey;
    turn = turns.find((t) => t.key === parentKey && t.status === 'done');
    if (!turn && partial && parentKey !== EMPTY_HISTORY) return undefined;
  }
  return exchanges;
}

const EMPTY_HISTORY = conversationKey([]);
