package dev.slate.appliance.config;

import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * {@code slate.home}, where the appliance keeps its data (embedded services, offline warehouse and jobs, Parquet
 * sources): the one place that knows its default ({@code ~/.slate}) and that a leading {@code ~} means the user's
 * home folder.
 */
public final class SlateHome {

    private SlateHome() {}

    /** The configured {@code slate.home}, resolved, absolute. */
    public static Path fromConfig() {
        return resolve(
                ConfigProvider.getConfig().getOptionalValue("slate.home", String.class),
                Path.of(System.getProperty("user.home")));
    }

    /** {@code configured} (blank counts as unset) with {@code ~} expanded, else {@code ~/.slate}; absolute. */
    public static Path resolve(Optional<String> configured, Path userHome) {
        return configured
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .map(home -> home.equals("~")
                        ? userHome
                        : home.startsWith("~/") ? userHome.resolve(home.substring(2)) : Path.of(home))
                .orElse(userHome.resolve(".slate"))
                .toAbsolutePath()
                .normalize();
    }
}
