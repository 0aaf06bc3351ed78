package org.albertspark.jobs.cli;

import picocli.CommandLine;

/** Reports the version recorded in the jar manifest (or "development" when run from classes). */
final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = AlbertCli.class.getPackage().getImplementationVersion();
    return new String[] {"albert " + (v == null ? "development build" : v)};
  }
}
