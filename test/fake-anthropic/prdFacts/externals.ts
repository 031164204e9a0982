/** The external systems a PRD depends on (payments, identity, email, ...), recognised by the words it uses. */
import type { ExternalSystem } from './facts';

interface ExternalRule {
  re: RegExp;
  make: (text: string) => ExternalSystem;
}

const EXTERNALS: ExternalRule[] = [
  {
    re: /\b(stripe|paypal|adyen|braintree|payments?|billing|checkout|subscriptions?)\b/gi,
    make: (t) => ({
      name: /stripe/i.test(t) ? 'Stripe' : /paypal/i.test(t) ? 'PayPal' : 'Payment Provider',
      description: 'Takes card payments and manages subscriptions',
      use: 'Creates payments and receives payment webhooks',
      technology: 'HTTPS/REST, webhooks',
    }),
  },
  {
    re: /\b(oauth|saml|sso|openid|oidc|auth0|okta|keycloak|cognito|identity provider|single sign-on)\b/gi,
    make: (t) => ({
      name: /auth0/i.test(t) ? 'Auth0' : /okta/i.test(t) ? 'Okta' : 'Identity Provider',
      description: 'Authenticates users (OAuth 2.0 / OpenID Connect, SAML)',
      use: 'Delegates sign-in and verifies tokens',
      technology: 'OIDC/HTTPS',
    }),
  },
  {
    re: /\b(e-?mails?|sendgrid|mailgun|smtp|newsletters?)\b/gi,
    make: (t) => ({
      name: /sendgrid/i.test(t) ? 'SendGrid' : /mailgun/i.test(t) ? 'Mailgun' : 'Email Service',
      description: 'Delivers transactional email',
      use: 'Sends transactional email',
      technology: 'HTTPS/REST',
    }),
  },
  {
    re: /\b(sms|twilio|push notifications?|fcm|apns)\b/gi,
    make: (t) => ({
      name: /twilio/i.test(t) ? 'Twilio' : 'Notification Gateway',
      description: 'Delivers SMS and push notifications',
      use: 'Sends notifications',
      technology: 'HTTPS/REST',
    }),
  },
  {
    re: /\b(openai|anthropic|claude|chatgpt|gpt-\d|llms?|language models?|ai-generated)\b/gi,
    make: () => ({
      name: 'LLM Provider',
      description: 'Generates text with a large language model',
      use: 'Requests generated content',
      technology: 'HTTPS/REST',
    }),
  },
  {
    re: /\b(maps?|geolocation|geocoding|mapbox)\b/gi,
    make: () => ({
      name: 'Maps Provider',
      description: 'Geocoding, routing and map tiles',
      use: 'Geocodes addresses and computes routes',
      technology: 'HTTPS/REST',
    }),
  },
  {
    re: /\b(slack|webhooks?|zapier|discord)\b/gi,
    make: (t) => ({
      name: /slack/i.test(t) ? 'Slack' : 'Webhook Consumers',
      description: 'Third-party tools that receive event notifications',
      use: 'Posts event notifications',
      technology: 'HTTPS webhooks',
    }),
  },
  {
    re: /\b(service workers?|browser apis?|web platform|indexeddb|broadcastchannel)\b/gi,
    make: () => ({
      name: 'Browser Platform',
      description: 'Browser runtime APIs (service worker, storage, permissions)',
      use: 'Uses browser runtime APIs',
      technology: 'Web APIs',
    }),
  },
  {
    re: /\b(erp|crm|salesforce|sap|hubspot)\b/gi,
    make: (t) => ({
      name: /salesforce/i.test(t) ? 'Salesforce' : /hubspot/i.test(t) ? 'HubSpot' : 'Business Systems (ERP/CRM)',
      description: 'Existing business systems of record',
      use: 'Synchronises customer and order records',
      technology: 'HTTPS/REST',
    }),
  },
];

/** One to three external systems, most mentioned first; an identity provider when none. */
export function findExternals(text: string): ExternalSystem[] {
  const scored = EXTERNALS.map((rule, order) => ({ rule, order, count: (text.match(rule.re) ?? []).length }))
    .filter((s) => s.count > 0)
    .sort((a, b) => b.count - a.count || a.order - b.order)
    .slice(0, 3);
  if (scored.length === 0) return [EXTERNALS[1].make('')];
  return scored.map((s) => s.rule.make(text));
}
