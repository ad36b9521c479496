/* lib/json.c: the writer behind show --json and srlab status. Every test
 * compares the whole text, so separators, nesting and escapes are exact. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>

#include "json.h"

/* Takes the text and compares it, freeing it either way. */
static void expect_json(struct json *j, const char *want)
{
    char *got = json_take(j);
    cr_expect_str_eq(got, want);
    free(got);
}

Test(json, empty_object_and_array)
{
    struct json j;
    json_init(&j);
    json_obj(&j, NULL);
    json_end(&j);
    expect_json(&j, "{}\n");

    json_init(&j);
    json_arr(&j, NULL);
    json_end(&j);
    expect_json(&j, "[]\n");
}

Test(json, scalar_members_in_order)
{
    struct json j;
    json_init(&j);
    json_obj(&j, NULL);
    json_str(&j, "name", "PE-1");
    json_int(&j, "neg", -42);
    json_uint(&j, "gen", 7);
    json_bool(&j, "up", true);
    json_bool(&j, "down", false);
    json_str(&j, "none", NULL);
    json_end(&j);
    expect_json(&j, "{\"name\":\"PE-1\",\"neg\":-42,\"gen\":7,\"up\":true,\"down\":false,"
                    "\"none\":null}\n");
}

Test(json, integer_limits)
{
    struct json j;
    json_init(&j);
    json_arr(&j, NULL);
    json_int(&j, NULL, INT64_MIN);
    json_int(&j, NULL, INT64_MAX);
    json_uint(&j, NULL, UINT64_MAX);
    json_int(&j, NULL, 0);
    json_end(&j);
    expect_json(&j, "[-9223372036854775808,9223372036854775807,18446744073709551615,0]\n");
}

Test(json, escapes_quote_and_backslash)
{
    struct json j;
    json_init(&j);
    json_obj(&j, NULL);
    json_str(&j, "description", "say \"hi\" to C:\\tmp");
    json_end(&j);
    expect_json(&j, "{\"description\":\"say \\\"hi\\\" to C:\\\\tmp\"}\n");
}

Test(json, escapes_control_characters)
{
    struct json j;
    json_init(&j);
    json_arr(&j, NULL);
    json_str(&j, NULL, "a\nb\tc\rd");
    json_str(&j, NULL, "\x01\x1f");
    json_str(&j, NULL, "\x7f");  /* DEL is legal JSON as is */
    json_str(&j, NULL, "");
    json_end(&j);
    expect_json(&j, "[\"a\\nb\\tc\\rd\",\"\\u0001\\u001f\",\"\x7f\",\"\"]\n");
}

Test(json, utf8_passes_through)
{
    struct json j;
    json_init(&j);
    json_arr(&j, NULL);
    json_str(&j, NULL, "caf\xc3\xa9");
    json_end(&j);
    expect_json(&j, "[\"caf\xc3\xa9\"]\n");
}

Test(json, keys_are_escaped_too)
{
    struct json j;
    json_init(&j);
    json_obj(&j, NULL);
    json_int(&j, "a\"b\\c\n", 1);
    json_end(&j);
    expect_json(&j, "{\"a\\\"b\\\\c\\n\":1}\n");
}

Test(json, nested_arrays_and_objects)
{
    struct json j;
    json_init(&j);
    json_obj(&j, NULL);
    json_arr(&j, "groups");
    json_obj(&j, NULL);
    json_uint(&j, "id", 1);
    json_arr(&j, "mdas");
    json_str(&j, NULL, "1/2");
    json_str(&j, NULL, "2/2");
    json_end(&j);
    json_end(&j);
    json_obj(&j, NULL);
    json_uint(&j, "id", 2);
    json_arr(&j, "mdas");
    json_end(&j);
    json_end(&j);
    json_end(&j);
    json_obj(&j, "empty");
    json_end(&j);
    json_arr(&j, "matrix");
    json_arr(&j, NULL);
    json_int(&j, NULL, 1);
    json_end(&j);
    json_arr(&j, NULL);
    json_end(&j);
    json_end(&j);
    json_bool(&j, "last", true);
    json_end(&j);
    expect_json(&j, "{\"groups\":[{\"id\":1,\"mdas\":[\"1/2\",\"2/2\"]},{\"id\":2,\"mdas\":[]}],"
                    "\"empty\":{},\"matrix\":[[1],[]],\"last\":true}\n");
}

Test(json, extra_end_at_top_level_is_ignored)
{
    struct json j;
    json_init(&j);
    json_arr(&j, NULL);
    json_end(&j);
    json_end(&j);
    expect_json(&j, "[]\n");
}

Test(json, deep_nesting_within_the_limit)
{
    /* depth 0 is the top level, so JSON_MAX_DEPTH - 1 containers nest */
    struct json j;
    json_init(&j);
    for (int i = 0; i < JSON_MAX_DEPTH - 1; i++)
        json_arr(&j, NULL);
    json_int(&j, NULL, 5);
    for (int i = 0; i < JSON_MAX_DEPTH - 1; i++)
        json_end(&j);
    char want[2 * JSON_MAX_DEPTH + 8];
    int o = 0;
    for (int i = 0; i < JSON_MAX_DEPTH - 1; i++)
        want[o++] = '[';
    want[o++] = '5';
    for (int i = 0; i < JSON_MAX_DEPTH - 1; i++)
        want[o++] = ']';
    want[o++] = '\n';
    want[o] = 0;
    expect_json(&j, want);
}

Test(json, take_resets_the_writer)
{
    struct json j;
    json_init(&j);
    json_obj(&j, NULL);
    json_end(&j);
    expect_json(&j, "{}\n");
    /* after json_take the buffer starts afresh */
    json_init(&j);
    json_str(&j, NULL, "x");
    expect_json(&j, "\"x\"\n");
}
