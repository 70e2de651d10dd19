package corral.isolator.spi;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.MessageOrBuilder;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The JSON writer behind {@link MesosJson}: maps, lists, strings, numbers, booleans, {@code null},
 * and protobuf messages with their original snake_case field names, enums by name, 64-bit integers
 * as JSON numbers (Mesos clients read them as numbers, unlike proto3 JSON's strings), bytes in base64.
 */
final class MesosJsonWriter {

    private MesosJsonWriter() {
    }

    static String write(Object value) {
        StringBuilder out = new StringBuilder(256);
        write(value, out);
        return out.toString();
    }

    private static void write(Object value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            string(s, out);
        } else if (value instanceof Boolean b) {
            out.append(b);
        } else if (value instanceof Double d) {
            number(d, out);
        } else if (value instanceof Float f) {
            number(f.doubleValue(), out);
        } else if (value instanceof Number n) {
            out.append(n);
        } else if (value instanceof MessageOrBuilder m) {
            message(m, out);
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                string(String.valueOf(e.getKey()), out);
                out.append(':');
                write(e.getValue(), out);
            }
            out.append('}');
        } else if (value instanceof Collection<?> list) {
            out.append('[');
            boolean first = true;
            for (Object o : list) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                write(o, out);
            }
            out.append(']');
        } else {
            string(value.toString(), out);
        }
    }

    private static void number(double d, StringBuilder out) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            out.append("null"); // JSON has no NaN or infinity
        } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            out.append((long) d);
        } else {
            out.append(java.math.BigDecimal.valueOf(d).toPlainString());
        }
    }

    private static void message(MessageOrBuilder message, StringBuilder out) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            FieldDescriptor field = e.getKey();
            string(field.getName(), out);
            out.append(':');
            if (field.isMapField()) {
                out.append('{');
                boolean firstEntry = true;
                for (Object o : (List<?>) e.getValue()) {
                    MessageOrBuilder entry = (MessageOrBuilder) o;
                    FieldDescriptor key = entry.getDescriptorForType().findFieldByName("key");
                    FieldDescriptor val = entry.getDescriptorForType().findFieldByName("value");
                    if (!firstEntry) {
                        out.append(',');
                    }
                    firstEntry = false;
                    string(String.valueOf(entry.getField(key)), out);
                    out.append(':');
                    fieldValue(val, entry.getField(val), out);
                }
                out.append('}');
            } else if (field.isRepeated()) {
                out.append('[');
                boolean firstItem = true;
                for (Object o : (List<?>) e.getValue()) {
                    if (!firstItem) {
                        out.append(',');
                    }
                    firstItem = false;
                    fieldValue(field, o, out);
                }
                out.append(']');
            } else {
                fieldValue(field, e.getValue(), out);
            }
        }
        out.append('}');
    }

    private static void fieldValue(FieldDescriptor field, Object value, StringBuilder out) {
        switch (field.getJavaType()) {
            case ENUM -> string(((EnumValueDescriptor) value).getName(), out);
            case BYTE_STRING -> string(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()), out);
            case MESSAGE -> message((MessageOrBuilder) value, out);
            case INT -> {
                if (field.getType() == FieldDescriptor.Type.UINT32 || field.getType() == FieldDescriptor.Type.FIXED32) {
                    out.append(Integer.toUnsignedLong((Integer) value));
                } else {
                    out.append(value);
                }
            }
            case LONG -> {
                if (field.getType() == FieldDescriptor.Type.UINT64 || field.getType() == FieldDescriptor.Type.FIXED64) {
                    out.append(Long.toUnsignedString((Long) value));
                } else {
                    out.append(value);
                }
            }
            case DOUBLE -> number((Double) value, out);
            case FLOAT -> number(((Float) value).doubleValue(), out);
            case BOOLEAN -> out.append(value);
            case STRING -> string((String) value, out);
            default -> string(String.valueOf(value), out);
        }
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
