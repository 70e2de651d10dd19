package corral.isolator.disk;

import corral.isolator.spi.IsolatorException;
import corral.isolator.spi.mesos.Resource;
import corral.isolator.spi.mesos.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads a container's {@code disk} resources: validated, summed, truncated to whole megabytes as Mesos
 * does ({@code Megabytes(sum)}). Stateless.
 */
public final class DiskResources {

    /** One megabyte, the unit of the {@code disk} resource. */
    public static final long MB = 1L << 20;

    private DiskResources() {
    }

    /**
     * @param resources a container's resources
     * @return its {@code disk} resources, each checked to be a positive scalar
     * @throws IsolatorException naming the resource and value when one is not
     */
    public static List<Resource> disks(List<Resource> resources) {
        List<Resource> disks = new ArrayList<>();
        for (Resource r : resources) {
            if (!"disk".equals(r.getName())) {
                continue;
            }
            if (r.getType() != Value.Type.SCALAR || !r.hasScalar()) {
                throw new IsolatorException("Invalid resource 'disk': expected a positive scalar (MB), got a "
                        + r.getType() + " value " + text(r));
            }
            double v = r.getScalar().getValue();
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new IsolatorException("Invalid resource 'disk': expected a positive scalar (MB), got " + text(r));
            }
            disks.add(r);
        }
        return disks;
    }

    /**
     * @param disks validated {@code disk} resources of one path
     * @return their sum in bytes, truncated to whole megabytes
     * @throws IsolatorException when the sum is less than one megabyte
     */
    public static long quotaBytes(List<Resource> disks) {
        double sum = disks.stream().mapToDouble(r -> r.getScalar().getValue()).sum();
        long mb = (long) Math.floor(sum);
        if (mb < 1) {
            throw new IsolatorException("Invalid resource 'disk': " + format(sum)
                    + " is less than 1 MB, the smallest quota (disk is counted in whole MB)");
        }
        return mb * MB;
    }

    private static String text(Resource r) {
        return switch (r.getType()) {
            case SCALAR -> format(r.getScalar().getValue());
            case RANGES -> "[" + r.getRanges().getRangeList().stream()
                    .map(x -> x.getBegin() + "-" + x.getEnd()).collect(Collectors.joining(",")) + "]";
            case SET -> "{" + String.join(",", r.getSet().getItemList()) + "}";
            default -> "'" + r.getType() + "'";
        };
    }

    private static String format(double v) {
        return v == Math.rint(v) && !Double.isInfinite(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
