package corral.agent.containerizer;

import corral.isolator.spi.MesosJson;
import corral.isolator.spi.mesos.ExecutorInfo;
import corral.isolator.spi.mesos.Resource;
import corral.isolator.spi.mesos.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Mesos's resource text, as {@code --resources} takes it: {@code name:value} items separated by
 * {@code ;}, where a value is a scalar ({@code 0.5}), ranges ({@code [31000-32000,5-6]}) or a set
 * ({@code {a,b}}), and an optional role follows the name ({@code cpus(web):2}). A JSON array of
 * {@code Resource} objects is accepted too.
 */
public final class ResourceText {

    private static final Pattern ITEM = Pattern.compile("\\s*([^():;\\s]+)\\s*(?:\\(([^()]*)\\))?\\s*:(.*)", Pattern.DOTALL);
    private static final Pattern RANGE = Pattern.compile("\\s*([0-9]+)\\s*-\\s*([0-9]+)\\s*");

    private ResourceText() {
    }

    /**
     * @param text resource text or a JSON array of resources
     * @return the resources, in order
     * @throws IllegalArgumentException naming the item at fault
     */
    public static List<Resource> parse(String text) {
        String trimmed = text.trim();
        if (trimmed.startsWith("[")) {
            return parseJson(trimmed);
        }
        List<Resource> resources = new ArrayList<>();
        for (String item : trimmed.split(";")) {
            if (item.isBlank()) {
                continue;
            }
            resources.add(parseItem(item));
        }
        return resources;
    }

    private static List<Resource> parseJson(String json) {
        ExecutorInfo.Builder holder;
        try {
            holder = MesosJson.parse("{\"resources\":" + json + "}", ExecutorInfo.newBuilder());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a JSON array of Resource: " + e.getMessage(), e);
        }
        for (Resource resource : holder.getResourcesList()) {
            if (!resource.isInitialized()) {
                throw new IllegalArgumentException("resource " + MesosJson.print(resource) + " misses "
                        + String.join(", ", resource.findInitializationErrors()));
            }
        }
        return holder.getResourcesList();
    }

    private static Resource parseItem(String item) {
        Matcher m = ITEM.matcher(item);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + item.trim() + "' is not name:value or name(role):value");
        }
        Resource.Builder resource = Resource.newBuilder().setName(m.group(1));
        String role = m.group(2);
        if (role != null && !role.isEmpty() && !role.equals("*")) {
            resource.addReservations(Resource.ReservationInfo.newBuilder()
                    .setType(Resource.ReservationInfo.Type.STATIC).setRole(role));
        }
        String value = m.group(3).trim();
        try {
            if (value.startsWith("[")) {
                resource.setType(Value.Type.RANGES).setRanges(ranges(value));
            } else if (value.startsWith("{")) {
                resource.setType(Value.Type.SET).setSet(set(value));
            } else {
                double scalar = Double.parseDouble(value);
                if (Double.isNaN(scalar) || Double.isInfinite(scalar) || scalar < 0) {
                    throw new IllegalArgumentException("a scalar must be a finite number >= 0");
                }
                resource.setType(Value.Type.SCALAR).setScalar(Value.Scalar.newBuilder().setValue(scalar));
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad value '" + value + "' for resource '" + m.group(1)
                    + "': expected a number, [begin-end,...] or {item,...}");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad value '" + value + "' for resource '" + m.group(1) + "': "
                    + e.getMessage());
        }
        return resource.build();
    }

    private static Value.Ranges ranges(String value) {
        if (!value.endsWith("]")) {
            throw new IllegalArgumentException("ranges must end with ']'");
        }
        Value.Ranges.Builder ranges = Value.Ranges.newBuilder();
        String inner = value.substring(1, value.length() - 1);
        if (inner.isBlank()) {
            return ranges.build();
        }
        for (String part : inner.split(",")) {
            Matcher r = RANGE.matcher(part);
            if (!r.matches()) {
                throw new IllegalArgumentException("'" + part.trim() + "' is not a range begin-end");
            }
            long begin = Long.parseLong(r.group(1));
            long end = Long.parseLong(r.group(2));
            if (begin > end) {
                throw new IllegalArgumentException("range " + begin + "-" + end + " ends before it begins");
            }
            ranges.addRange(Value.Range.newBuilder().setBegin(begin).setEnd(end));
        }
        return ranges.build();
    }

    private static Value.Set set(String value) {
        if (!value.endsWith("}")) {
            throw new IllegalArgumentException("a set must end with '}'");
        }
        Value.Set.Builder set = Value.Set.newBuilder();
        String inner = value.substring(1, value.length() - 1);
        for (String item : inner.split(",")) {
            if (!item.isBlank()) {
                set.addItem(item.trim());
            }
        }
        return set.build();
    }
}
