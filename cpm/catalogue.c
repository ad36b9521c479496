/* Catalogues the CLI grammar checks values against (P_CATALOGUE). */
#include <stdio.h>
#include <string.h>

#include "grammar.h"
#include "hw.h"

bool catalogue_has(const char *catalogue, const char *value)
{
    if (strcmp(catalogue, "card-type") == 0)
        return hw_card_type(value) != NULL;
    if (strcmp(catalogue, "mda-type") == 0)
        return hw_mda_type(value) != NULL;
    return false;
}

const char *catalogue_list(const char *catalogue)
{
    static char list[512];
    list[0] = 0;
    size_t o = 0;
    if (strcmp(catalogue, "card-type") == 0)
        for (size_t i = 0; hw_card_types()[i].name; i++)
            o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "",
                                  hw_card_types()[i].name);
    if (strcmp(catalogue, "mda-type") == 0)
        for (size_t i = 0; hw_mda_types()[i].name; i++)
            o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "",
                                  hw_mda_types()[i].name);
    return list;
}
