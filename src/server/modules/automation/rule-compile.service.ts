/**
 * Compiling a rule set with the Japanese dictionary loaded only when the rule set needs it: async on the way in
 * (the dictionary loads once per process), synchronous evaluation afterwards.
 */
import { loadJapaneseAnalyzer } from './japanese-analyzer.service.ts';
import { compileRuleSet, requiresJapanese, type Compilation } from './rule-compile.rules.ts';
import { RuleSetSchema } from '../../../contracts/automation-rules.schemas.ts';

/** Compiles a rule set, loading kuromoji first if some keyword is Japanese. */
export async function compileRuleSetLazily(input: unknown): Promise<Compilation> {
  const shape = RuleSetSchema.safeParse(input);
  const analyzer = shape.success && requiresJapanese(shape.data) ? await loadJapaneseAnalyzer() : null;
  return compileRuleSet(input, analyzer);
}
