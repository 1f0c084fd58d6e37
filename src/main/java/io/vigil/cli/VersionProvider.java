package io.vigil.cli;

import picocli.CommandLine;

/** The version in the jar manifest, or a note that this is a development build. */
final class VersionProvider implements CommandLine.IVersionProvider {

    static String version() {
        String v = VersionProvider.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"vigil " + version()};
    }
}
