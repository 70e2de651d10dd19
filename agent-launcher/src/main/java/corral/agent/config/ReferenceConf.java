package corral.agent.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.module.ResolvedModule;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code reference.conf} at the root of one module: its defaults, with the comments that are
 * the flags' help texts.
 *
 * @param module the module name (or the jar's file name for a jar outside any named module)
 * @param config the parsed, unresolved file
 */
public record ReferenceConf(String module, Config config) {

    private static final String NAME = "reference.conf";

    /**
     * @param module a module name
     * @param text HOCON text
     * @return the parsed file
     * @throws ConfigException.Parse naming the module and line for bad HOCON
     */
    public static ReferenceConf parse(String module, String text) {
        return new ReferenceConf(module, ConfigFactory.parseString(text, options(module)));
    }

    /**
     * Every root {@code reference.conf} the system class loader sees: the boot layer's modules
     * (and, under a test runner, jars on the class path).
     *
     * @return one entry per file, in class loader order
     */
    public static List<ReferenceConf> bootLayer() {
        Map<Path, String> modulesByLocation = new HashMap<>();
        for (ResolvedModule m : ModuleLayer.boot().configuration().modules()) {
            m.reference().location().ifPresent(uri -> {
                if ("file".equals(uri.getScheme())) {
                    modulesByLocation.put(Path.of(uri), m.name());
                }
            });
        }
        List<ReferenceConf> result = new ArrayList<>();
        try {
            for (URL url : Collections.list(ClassLoader.getSystemClassLoader().getResources(NAME))) {
                Optional<Path> location = locationOf(url);
                String module = location.map(l -> modulesByLocation.getOrDefault(l, l.getFileName().toString()))
                        .orElse(url.toString());
                result.add(new ReferenceConf(module, ConfigFactory.parseURL(url, options(module))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }

    /**
     * @param module a module, typically of a plugin layer
     * @return its root {@code reference.conf}, if it has one
     */
    public static Optional<ReferenceConf> of(Module module) {
        try (InputStream in = module.getResourceAsStream(NAME)) {
            if (in == null) {
                return Optional.empty();
            }
            return Optional.of(new ReferenceConf(module.getName(), ConfigFactory.parseReader(
                    new InputStreamReader(in, StandardCharsets.UTF_8), options(module.getName()))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ConfigParseOptions options(String module) {
        return ConfigParseOptions.defaults().setOriginDescription(NAME + " of module " + module);
    }

    /** @return the jar or directory a {@code reference.conf} URL lives in */
    private static Optional<Path> locationOf(URL url) {
        try {
            String s = url.toString();
            if (s.startsWith("jar:") && s.contains("!/")) {
                return Optional.of(Path.of(new URI(s.substring(4, s.indexOf("!/")))));
            }
            if (s.startsWith("file:")) {
                return Optional.of(Path.of(url.toURI()).getParent());
            }
        } catch (URISyntaxException | IllegalArgumentException e) {
            // an exotic URL: named by itself
        }
        return Optional.empty();
    }
}
