package dev.slate.appliance.testing;

import java.util.LinkedHashSet;
import java.util.Set;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Auto-registered for every test class (META-INF/services, {@code junit.jupiter.extensions.autodetection.enabled}
 * in junit-platform.properties): installs {@link DefaultTokenFilter} into RestAssured as the test class
 * sees it. A {@code @QuarkusTest} class runs in Quarkus' class loader, with its own copy of RestAssured,
 * so the filter is installed through the test class's loader (and the thread's), not this one's.
 */
public class DefaultTokenExtension implements BeforeAllCallback, BeforeEachCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        install(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        install(context);
    }

    private static void install(ExtensionContext context) {
        Set<ClassLoader> loaders = new LinkedHashSet<>();
        context.getTestClass().ifPresent(c -> loaders.add(c.getClassLoader()));
        loaders.add(Thread.currentThread().getContextClassLoader());
        for (ClassLoader loader : loaders) {
            if (loader == null) {
                continue;
            }
            try {
                Class.forName(DefaultTokenFilter.class.getName(), true, loader)
                        .getMethod("install")
                        .invoke(null);
            } catch (ReflectiveOperationException | LinkageError e) {
                // this loader has no RestAssured: nothing to install
            }
        }
    }
}
