package dev.slate.appliance.auth;

import jakarta.enterprise.context.RequestScoped;

/**
 * What a resource acted on (e.g. the binding it added), and why it refused when it did, for the audit
 * entry of its request.
 */
@RequestScoped
public class AuditNote {

    private String target;
    private String reason;

    public void target(String value) {
        this.target = value;
    }

    String target() {
        return target;
    }

    /** Why the resource refused the request (for the audit log only, never for the answer). */
    public void reason(String value) {
        this.reason = value;
    }

    String reason() {
        return reason;
    }
}
