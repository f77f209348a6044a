# Warning and sanitizer flags live in one INTERFACE target, linked as $<BUILD_INTERFACE:...> so that
# installed consumers never inherit them.
add_library(poweron_warnings INTERFACE)
target_compile_options(poweron_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                       -Wno-sign-conversion $<$<BOOL:${POWERON_WERROR}>:-Werror>)

if(POWERON_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
