import { describe, expect, it } from 'vitest';
import {
  apiKeyStatus,
  expiryRefusal,
  keyManagementRefusal,
  keyRoleRefusal,
  roleWithin,
  type KeyActor,
} from './api-keys.rules.ts';

const actor = (kind: KeyActor['kind'], role: KeyActor['role']): KeyActor => ({
  kind,
  role,
  userId: null,
  apiKeyId: null,
});

describe('API key rules', () => {
  it('orders roles owner > admin > agent > analyst', () => {
    expect(roleWithin('admin', 'owner')).toBe(true);
    expect(roleWithin('admin', 'admin')).toBe(true);
    expect(roleWithin('owner', 'admin')).toBe(false);
    expect(roleWithin('agent', 'analyst')).toBe(false);
    expect(roleWithin('analyst', 'agent')).toBe(true);
  });

  it('lets owners and admins manage keys, but only owner keys among API keys', () => {
    expect(keyManagementRefusal(actor('session', 'owner'))).toBeNull();
    expect(keyManagementRefusal(actor('session', 'admin'))).toBeNull();
    expect(keyManagementRefusal(actor('session', 'agent'))).toMatch(/agent role cannot/);
    expect(keyManagementRefusal(actor('session', 'analyst'))).not.toBeNull();
    expect(keyManagementRefusal(actor('api_key', 'owner'))).toBeNull();
    expect(keyManagementRefusal(actor('api_key', 'admin'))).toMatch(/owner API key/);
    expect(keyManagementRefusal(actor('operator', 'analyst'))).toBeNull();
  });

  it('refuses keys above the actor’s own role', () => {
    expect(keyRoleRefusal(actor('session', 'admin'), 'owner')).toMatch(/above their own/);
    expect(keyRoleRefusal(actor('session', 'admin'), 'admin')).toBeNull();
    expect(keyRoleRefusal(actor('session', 'owner'), 'owner')).toBeNull();
    expect(keyRoleRefusal(actor('operator', 'analyst'), 'owner')).toBeNull();
  });

  it('derives the status: revoked wins, expiry is exclusive of the instant', () => {
    const now = new Date('2026-12-04T00:00:00Z');
    expect(apiKeyStatus({ revokedAt: null, expiresAt: null }, now)).toBe('active');
    expect(apiKeyStatus({ revokedAt: null, expiresAt: new Date(now.getTime() + 1) }, now)).toBe('active');
    expect(apiKeyStatus({ revokedAt: null, expiresAt: now }, now)).toBe('expired');
    expect(apiKeyStatus({ revokedAt: now, expiresAt: new Date(0) }, now)).toBe('revoked');
  });

  it('wants an expiry in the future', () => {
    const now = new Date('2026-12-04T00:00:00Z');
    expect(expiryRefusal(new Date('2026-12-05T00:00:00Z'), now)).toBeNull();
    expect(expiryRefusal(now, now)).toMatch(/future/);
    expect(expiryRefusal(new Date('x'), now)).toMatch(/valid/);
  });
});
