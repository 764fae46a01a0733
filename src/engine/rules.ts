// The `[rule.NAME]` section: which records go to which outputs. Every key is a condition with a
// default of "any"; a record matches a rule when it meets all of them. Rules run in priority
// order (lower number first, ties in file order); every matching rule adds its outputs, and a
// matching rule with `final = true` stops the search.

import { bool, int, list, type SpecValue } from '../config/schema.js';
import { facilitySelector, nameSetField, nonEmpty, severitySelector } from './fields.js';
import { DISPOSITIONS } from '../dialects/types.js';

/** Values of the `dialect` condition, by bit. */
export const DIALECT_VALUES = ['none', 'momentum', 'emg', 'mmdf', 'axigen'] as const;
/** Values of the `disposition` condition, by bit. */
export const DISPOSITION_VALUES = ['none', ...DISPOSITIONS] as const;
import { checkGlob } from './glob.js';

export const ruleSpec = {
  priority: int(100, 'Rules run from the lowest number up; equal numbers run in file order.', { min: 0 }),
  enabled: bool(true, 'A disabled rule is kept in the file but ignored.'),
  inputs: list(['*'], 'Inputs whose records the rule takes, by section name; * = every input.'),
  host: list(['*'], 'Globs matched against the record\'s HOSTNAME, any case (*.example.com).', checkGlob),
  app: list(['*'],
    'Globs matched against the APP-NAME (postfix/smtpd) and the program name before the / (postfix), any case; ' +
    'either may match (postfix*, postfix, postfix/smtpd, SMTP-IN).', checkGlob),
  module: list(['*'],
    'The same test as app, under the name Axigen uses for its services (SMTP-IN, IMAP); ' +
    'if both app and module are set, a record must match both.', checkGlob),
  facility: facilitySelector('Facilities, by name (mail, local0) or number 0..23; * = any.'),
  severity: severitySelector(
    'Severities: "info" = info and more severe, "=info" = exactly info, "!debug" = not debug, * = any; ' +
    'names emerg alert crit err warning notice info debug (also error warn panic) or 0..7.'),
  axigen_level_mask: int(31,
    'Axigen level bits the rule takes (1 critical, 2 error, 4 warning, 8 info, 16 protocol). A record passes ' +
    'when its bit (its Axigen level, or the bit of its severity) is in both this mask and the sender\'s mask.',
    { min: 0, max: 31 }),
  dialect: nameSetField('dialect list',
    'Legacy dialect the record was recognised as: momentum, emg, mmdf, axigen, or none (plain syslog); * = any.',
    DIALECT_VALUES),
  disposition: nameSetField('disposition list',
    'What happened to the message, as the dialect told: reception, delivery, transient_failure, permanent_failure, ' +
    'rejection, error, other, or none (no disposition); * = any.', DISPOSITION_VALUES),
  outputs: nonEmpty(list(undefined, 'Outputs that receive the matching records, by section name.')),
  final: bool(false, 'Stop at this rule when it matches: rules after it are not evaluated.'),
} as const;

/** A validated rule section, as the router compiles it. */
export type RuleConfig = SpecValue<typeof ruleSpec> & { readonly name: string };
