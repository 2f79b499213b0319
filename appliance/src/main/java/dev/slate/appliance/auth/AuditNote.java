package dev.slate.appliance.auth;

import jakarta.enterprise.context.RequestScoped;

/** What a resource acted on (e.g. the binding it added), for the audit entry of its request. */
@RequestScoped
public class AuditNote {

    private String target;

    public void target(String value) {
        this.target = value;
    }

    String target() {
        return target;
    }
}
