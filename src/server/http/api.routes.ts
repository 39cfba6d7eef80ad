import type { FastifyInstance } from 'fastify';
import { auditRoutes } from '../modules/audit/audit.routes.ts';
import { apiKeysRoutes } from '../modules/api-keys/api-keys.routes.ts';
import { automationRoutes } from '../modules/automation/automation.routes.ts';
import { contactAttributesRoutes } from '../modules/contacts/contact-attributes.routes.ts';
import { contactImportsRoutes } from '../modules/contacts/contact-imports.routes.ts';
import { contactsMergeRoutes } from '../modules/contacts/contacts-merge.routes.ts';
import { contactsBulkRoutes } from '../modules/contacts/contacts-bulk.routes.ts';
import { contactsPrivacyRoutes } from '../modules/contacts/contacts-privacy.routes.ts';
import { contactEventsRoutes } from '../modules/contacts/contact-events.routes.ts';
import { contactTagsRoutes } from '../modules/contacts/contact-tags.routes.ts';
import { contactsRoutes } from '../modules/contacts/contacts.routes.ts';
import { conversationsRoutes } from '../modules/conversations/conversations.routes.ts';
import { mediaRoutes } from '../modules/media/media.routes.ts';
import { messagesRoutes } from '../modules/messages/messages.routes.ts';
import { quickRepliesRoutes } from '../modules/quick-replies/quick-replies.routes.ts';
import { teamsRoutes } from '../modules/teams/teams.routes.ts';
import { usersRoutes } from '../modules/users/users.routes.ts';
import { phoneNumbersGraphRoutes } from '../modules/phone-numbers/phone-numbers-graph.routes.ts';
import { phoneNumbersRoutes } from '../modules/phone-numbers/phone-numbers.routes.ts';
import { phoneNumbersSetupRoutes } from '../modules/phone-numbers/phone-numbers-setup.routes.ts';
import { invitationsRoutes } from '../modules/users/invitations.routes.ts';
import { requireAuth } from './auth.ts';
import { simulatorAccessRoutes } from './simulator-access.routes.ts';
import type { AppContext } from './context.ts';
import { segmentsRoutes } from '../modules/segments/segments.routes.ts';
import { tagHygieneRoutes } from '../modules/tag-rules/tag-hygiene.routes.ts';
import { tagRulesRoutes } from '../modules/tag-rules/tag-rules.routes.ts';
import { remindersRoutes } from '../modules/reminders/reminders.routes.ts';
import { workspaceSettingsRoutes } from '../modules/workspaces/workspace-settings.routes.ts';
import { consentRoutes } from '../modules/consent/consent.routes.ts';
import { analyticsRoutes } from '../modules/analytics/analytics.routes.ts';
import { campaignsRoutes } from '../modules/campaigns/campaigns.routes.ts';
import { campaignResultsRoutes } from '../modules/campaigns/campaign-results.routes.ts';
import { templatesRoutes } from '../modules/templates/templates.routes.ts';

/** REST API v1 under /api/v1: each feature module registers its own routes here. */
export async function apiRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // Authenticate (and check CSRF for cookie sessions) before validating the body: an anonymous caller gets
  // 401, not a description of what the body should have been. Handlers call requireAuth again for the principal.
  app.addHook('preValidation', async (req, reply) => {
    requireAuth(req, reply);
  });
  await phoneNumbersRoutes(app, ctx);
  await contactsRoutes(app, ctx);
  await contactTagsRoutes(app, ctx);
  await conversationsRoutes(app, ctx);
  await messagesRoutes(app, ctx);
  await mediaRoutes(app, ctx);
  await usersRoutes(app, ctx);
  await teamsRoutes(app, ctx);
  await quickRepliesRoutes(app, ctx);
  await phoneNumbersGraphRoutes(app, ctx);
  await contactEventsRoutes(app, ctx);
  await automationRoutes(app, ctx);
  await simulatorAccessRoutes(app, ctx);
  await auditRoutes(app, ctx);
  await apiKeysRoutes(app, ctx);
  await segmentsRoutes(app, ctx);
  await tagRulesRoutes(app, ctx);
  await remindersRoutes(app, ctx);
  await workspaceSettingsRoutes(app, ctx);
  await tagHygieneRoutes(app, ctx);
  await consentRoutes(app, ctx);
  await contactAttributesRoutes(app, ctx);
  await contactImportsRoutes(app, ctx);
  await contactsPrivacyRoutes(app, ctx);
  await contactsMergeRoutes(app, ctx);
  await contactsBulkRoutes(app, ctx);
  await analyticsRoutes(app, ctx);
  await phoneNumbersSetupRoutes(app, ctx);
  await invitationsRoutes(app, ctx);
  await campaignsRoutes(app, ctx);
  await campaignResultsRoutes(app, ctx);
  await templatesRoutes(app, ctx);
}
