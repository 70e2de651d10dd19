package corral.isolator.docker.store;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import corral.isolator.docker.testimages.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Layer extraction speed against GNU tar (what Mesos runs), on a real tree. Not a test: it asserts
 * nothing and runs only when asked:
 *
 * <pre>
 * mvn -B -o -pl isolator-docker -am verify -Dtest=ExtractionBenchmark -Dcorral.bench=/usr/share/doc \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * It tars the directory once (with its path from /, as a layer would hold it), then times (best of 3, page cache warm) the store's {@code get} of a
 * one-layer image holding that tar (read, SHA-256 of the layer, safe extraction, rename) against
 * {@code tar -xf} of the same tar, and {@code tar -xf} plus {@code sha256sum}.
 */
class ExtractionBenchmark {

    @Test
    void storeAgainstGnuTar() throws Exception {
        String source = System.getProperty("corral.bench");
        assumeTrue(source != null, "benchmark: run with -Dcorral.bench=<directory>");
        Path tmp = Files.createTempDirectory(Path.of("/var/tmp"), "corral-bench-");
        try {
            Path layer = tmp.resolve("layer.tar");
            // as an image layer holds it: paths from the root, so relative symlinks stay inside
            run("tar", "--numeric-owner", "-C", "/", "-cf", layer.toString(), source.replaceFirst("^/+", ""));
            byte[] tar = Files.readAllBytes(layer);
            TestImages.Image image = new TestImages.Image().layer(tar, false).cmd("/x");
            Path registry = Files.createDirectories(tmp.resolve("registry"));
            image.writeDockerSave(registry.resolve("bench.tar"), "bench:1");
            long corral = Long.MAX_VALUE;
            long gnu = Long.MAX_VALUE;
            long gnuAndHash = Long.MAX_VALUE;
            for (int i = 0; i < 3; i++) {
                Path store = tmp.resolve("store" + i);
                long t0 = System.nanoTime();
                new DockerStore(store, registry, SetuidPolicy.KEEP, true).get(ImageReference.parse("bench:1"));
                corral = Math.min(corral, System.nanoTime() - t0);
                run("rm", "-rf", store.toString());

                Path out = Files.createDirectories(tmp.resolve("tar" + i));
                long t1 = System.nanoTime();
                run("tar", "-C", out.toString(), "-xf", layer.toString());
                gnu = Math.min(gnu, System.nanoTime() - t1);
                run("sha256sum", layer.toString());
                gnuAndHash = Math.min(gnuAndHash, System.nanoTime() - t1);
                run("rm", "-rf", out.toString());
            }
            double mb = tar.length / 1048576.0;
            System.out.printf("BENCH layer %s: %.0f MB%n", source, mb);
            System.out.printf("BENCH corral store (verify + safe extract): %d ms (%.0f MB/s)%n", corral / 1_000_000,
                    mb / (corral / 1e9));
            System.out.printf("BENCH tar -xf: %d ms; tar -xf + sha256sum: %d ms%n", gnu / 1_000_000,
                    gnuAndHash / 1_000_000);
            System.out.printf("BENCH ratio corral / tar -xf = %.2f; corral / (tar -xf + sha256sum) = %.2f%n",
                    (double) corral / gnu, (double) corral / gnuAndHash);
        } finally {
            run("rm", "-rf", tmp.toString());
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed");
        }
    }
}
