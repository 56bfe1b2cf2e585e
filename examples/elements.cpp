// The element library: create a custom element, list it page by page next
// to the official presets, and delete it. Element ids exceed 2^53 and are
// kept exactly, as text.
#include "support/connection.hpp"

int main() {
  example_connection connection;
  kling::client client{connection.options};

  kling::new_element hero;
  hero.element_name = "Knight";
  hero.element_description = "A knight in silver armour";
  hero.element_frontal_image = "https://example.com/knight-front.jpg";
  hero.element_refer_list = {"https://example.com/knight-side.jpg", "https://example.com/knight-back.jpg"};
  hero.tag_list = {"o_102"};
  auto created = client.elements().create(hero);
  if (!created) {
    std::cerr << kling::to_string(created.error()) << '\n';
    return 1;
  }
  std::cout << "created element " << created->data.element_id << '\n';

  for (int page = 1;; ++page) {
    auto listed = client.elements().list({page, 50});
    if (!listed) return 1;
    for (const auto &e : listed->data.items)
      std::cout << "  custom: " << e.element_id << ' ' << e.element_name << '\n';
    if (!listed->data.may_have_more()) break;
  }
  auto presets = client.elements().presets();
  if (!presets) return 1;
  for (const auto &e : presets->data.items)
    std::cout << "  preset: " << e.element_id << ' ' << e.element_name << '\n';

  auto removed = client.elements().remove(created->data.element_id);
  if (!removed) return 1;
  std::cout << "deleted: " << removed->data.task_status << '\n';
  return 0;
}
