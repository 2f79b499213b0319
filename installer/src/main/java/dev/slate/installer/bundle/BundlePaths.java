package dev.slate.installer.bundle;

/** The one rule for paths inside a bundle: relative, {@code /}-separated, no empty, {@code .} or {@code ..} segment. */
final class BundlePaths {
    /** The manifest and its detached signature sit at the bundle's root and are not listed in the manifest. */
    static final String MANIFEST = "manifest.json";

    static final String SIGNATURE = "manifest.json.sig";

    private BundlePaths() {}

    /** The directory every entry of the bundle {@code VERSION} sits in: {@code slate-bundle-VERSION}. */
    static String rootDirectory(String version) {
        return "slate-bundle-" + version;
    }

    static String requireRelative(String path) {
        if (path.isEmpty()
                || path.startsWith("/")
                || path.endsWith("/")
                || path.contains("\\")
                || path.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not a relative file path: '" + path + "'");
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("not a relative file path: '" + path + "'");
            }
        }
        return path;
    }
}
