/** @module Names for experiments that were not given one: adjective-noun, as DVC names them, derived from the params so that the same sweep gets the same names. */
import { createHash } from 'node:crypto';

const ADJECTIVES = 'agile amber ample azure balmy bold brave brisk calm civic clear coral crisp curly dapper eager early fancy fleet fresh frosty gentle glad grand green hardy hazel humid ivory jolly jumpy keen kind lanky lucid lush merry misty mossy nifty noble oaken olive plush proud quick quiet rapid ruddy rusty sandy shady sharp shiny silky sleek snowy solid spicy stark steady stony sunny swift tidy vivid warm wavy witty young zesty'.split(' ');
const NOUNS = 'acorn alder anvil aspen badge basin birch bloom brook cabin cedar cliff clove comet coral crane creek delta dingo eagle ember fable fern finch fjord flint gecko geode grove gulch heron holly igloo inlet iris jetty kayak koala larch lemur lotus maple marsh mesa moose otter panda pearl pecan pines plaza quail quartz raven reef ridge robin sable sage shoal spruce swan thorn tulip umbra vale wharf willow yucca zebra'.split(' ');

/** A deterministic adjective-noun for `seed`; `taken` names get -2, -3… */
export function experimentName(seed: string, taken: ReadonlySet<string>): string {
  const h = createHash('sha256').update(seed).digest();
  const base = `${ADJECTIVES[h.readUInt16BE(0) % ADJECTIVES.length]}-${NOUNS[h.readUInt16BE(2) % NOUNS.length]}`;
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}
