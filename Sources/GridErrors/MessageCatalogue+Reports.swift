extension MessageCatalogue {
    /// The report lines commands print.
    static let chineseReports = table(
        """
        assigned %1 rows to %2 grids: %3; coordinates read in %4; wrote %5 ⇒ 已将 %1 行分配到%2网格：%3；坐标按 %4 读取；已写入 %5
        applied as plan version %1: %2 primary duties change on %3 ⇒ 已作为规划版本 %1 生效：%3 起 %2 项专职职责变更
        nothing written; --apply writes these duties from %1 ⇒ 未写入；加 --apply 将从 %1 起写入这些职责
        nothing to apply: no grid changes hands ⇒ 无需调整：没有网格更换网格员
        %1 dispatched, %2 could not be dispatched ⇒ 已派遣 %1 件，%2 件无法派遣
        case %1: %2 → %3 at %4 by %5 ⇒ 案件 %1：%2 → %3，时间 %4，操作人 %5
        %1 cases overdue at %2 ⇒ 截至 %2 有 %1 件案件超时
        resumed after row %1 of an interrupted run ⇒ 从中断运行的第 %1 行之后继续
        %1 cases added, %2 updated, %3 rejected (%4) in %5 s; coordinates read in %6 ⇒ 新增案件 %1 件，更新 %2 件，退回 %3 件（%4），用时 %5 秒；坐标按 %6 读取
        rejected rows: %1 ⇒ 退回的行：%1
        %1 cases in %2 %3 grids; %4 without a %5 grid ⇒ %1 件案件分布在 %2 个%3网格中；%4 件不在任何%5网格内
        %1 cases checked against the current plan; %2 changed grid (earlier assignments kept in case_assignments) ⇒ 已按现行规划核对 %1 件案件；%2 件更换了网格（原归属保留在 \
        case_assignments 中）
        %1 %2 codes (scheme %3) ⇒ %1 %2 个编码（方案 %3）
        %1 of %2 stored cases refiled under the new codes (earlier filing kept in case_assignments) ⇒ 已存案件 %2 件中有 %1 件按新编码重新归档（原归档保留在 \
        case_assignments 中）
        wrote %1 %2 grids to %3 (%4, %5) ⇒ 已将 %1 个%2网格写入 %3（%4，%5）
        no places match '%1' ⇒ 没有与“%1”匹配的地点
        resumed after row %1 ⇒ 从第 %1 行之后继续
        geocoded %1 addresses; wrote %2 ⇒ 已对 %1 条地址进行地理编码；已写入 %2
        unmatched, by reason: ⇒ 未匹配，按原因：
        %1 rows whose own coordinates disagree with the address (disagrees=true; --disagree-m %2) ⇒ %1 行自带的坐标与地址不符（disagrees=true；--disagree-m %2）
        normalized: %1 ⇒ 规范化：%1
        certain only to: %1 ⇒ 仅确定到：%1
        reason: %1 ⇒ 原因：%1
        imported %1 %2 grids from %3 (CRS %4 → EPSG:4490) into %5, plan version %6 ⇒ 已从 %3 导入 %1 个%2网格（坐标系 %4 → EPSG:4490）到 %5，规划版本 %6
          %1 of them were current as they are (the same shape, code, name and counts): their rows kept ⇒   其中 %1 个与现行网格完全相同（形状、编码、名称、户数人数一致）：保留原记录
          ended %1 earlier grids of the level, redrawn or left out of the file (kept in history) ⇒   结束了该层级 %1 个原有网格（已重绘或文件中没有；保留在历史中）
          replaced %1 earlier grids of the same code, or name when they have no code (kept in history) ⇒   替换了 %1 个编码相同（无编码时名称相同）的原有网格（保留在历史中）
          the plan has no %1 grids yet: these grids get parents when a level above is imported ⇒   规划中还没有%1网格：导入上级网格后，这些网格会挂到上级下
          linked %1 grids to their parents by the parent field ⇒   按上级字段为 %1 个网格关联了上级网格
          linked %1 grids to the parent holding most of their area ⇒   为 %1 个网格关联了覆盖其大部分面积的上级网格
          %1: only %2 % inside its parent %3 ⇒   %1：只有 %2 % 位于上级网格 %3 内
          … and %1 more grids under 99 % inside their parent ⇒   ……另有 %1 个网格位于上级网格内的部分不足 99 %
          %1 grids lie in no grid one level up, e.g. %2 ⇒   %1 个网格不在任何上一级网格内，如 %2
          parent '%1' not found one level up (named by %2 grid%3, e.g. %4) ⇒   上一级中找不到上级网格“%1”（有 %2 个网格引用它，如 %4）
          %1 invalid geometries stored as given (see `gridplan validate`): ⇒   %1 个无效几何按原样保存（见 `gridplan validate`）：
        %1: target %2 (%3–%4%5); %6 faces → %7 blocks (%8 small ones merged), %9 households in %10 buildings → %11 grids; %12 earlier grids ended; \
        %13 s ⇒ %1：目标 %2 户（%3–%4%5）；%6 个面 → %7 个地块（合并了 %8 个小地块），%10 栋楼 %9 户 → %11 个网格；撤销原有网格 %12 个；用时 %13 秒
          dedicated sites partly outside %1 (the part inside is the grid): %2 ⇒   部分位于 %1 之外的专属场所（以内部部分为网格）：%2
          %1 grid edge segments follow dedicated grids' boundaries where no barrier runs ⇒   %1 段网格边界在没有分隔线处沿专属网格边界走
          seed %1 grows no grid of its own: %2 ⇒   种子点 %1 没有形成自己的网格：%2
        overall: %1 grids, %2 % within bounds, max deviation from target: %3, mean compactness %4, cuts not on barriers: %5, buildings outside the \
        parents: %6 of %7, %8 s ⇒ 总计：%1 个网格，%2 % 在规模范围内，与目标的最大偏差：%3，平均紧凑度 %4，不在分隔线上的切分：%5，位于上级之外的楼栋：%7 栋中 %6 栋，用时 %8 秒
        dedicated sites inside no parent (no grid made): %1 ⇒ 不在任何上级网格内的专属场所（未建网格）：%1
        seeds inside no parent (not used): %1 ⇒ 不在任何上级网格内的种子点（未使用）：%1
        written as plan version %1%2 ⇒ 已写入为规划版本 %1%2
        dry run: nothing written ⇒ 试运行：未写入任何内容
        line %1: %2 ⇒ 第 %1 行：%2
        %1 lines: %2 people added, %3 updated, %4 duties added, %5 unchanged, %6 lines rejected ⇒ 共 %1 行：新增人员 %2 名，更新 %3 名，新增职责 %4 项，未变 %5 项，退回 %6 行
        ended: %1 ⇒ 已结束：%1
        ended %1 %2 of %3 in %4 on %5 ⇒ 已于 %5 结束 %3 在 %4 的 %1 项职责
        %1 departments added, %2 updated, %3 lines rejected ⇒ 新增部门 %1 个，更新 %2 个，退回 %3 行
        %1 grids changed, %2 unchanged, %3 pieces moved (layer plan_changes) ⇒ %1 个网格有变化，%2 个未变，%3 块区域移动（图层 plan_changes）
        %1: no grids yet; add some with `gridplan import` ⇒ %1：还没有网格；请用 `gridplan import` 导入
        plan %1 (areas measured in %2) ⇒ 规划 %1（面积按 %2 量算）
        repaired %1 ⇒ 已修复 %1
        %1\t%2\t%3\t%4: %5 %6 findings, %7 %8 in all, the largest %9 %10 ⇒ %1\t%2\t%3\t%4：%5 条 %6 问题，合计 %7 %8，最大 %9 %10
        noise\t%1 coverage differences under %2 m² (total %3 m²): digitising noise, listed in the findings layer ⇒ noise\t%1 处小于 %2 m² 的覆盖差异（合计 %3 \
        m²）：数字化误差，已列入 findings 图层
        note\tthe plan has no %1 grids: nesting and coverage are checked between the levels present (%2) ⇒ note\t规划中没有%1网格：只在现有层级（%2）之间检查嵌套与覆盖
        %1 grids checked: %2 errors, %3 warnings (findings layer in %4) ⇒ 已检查 %1 个网格：%2 个错误，%3 个警告（问题图层在 %4 中）
        %1 grids checked: clean ⇒ 已检查 %1 个网格：没有问题
        note: %1 ⇒ 注意：%1
        OUTSIDE every grid: the nearest is %1, %2 away ⇒ 不在任何网格内：最近的是 %1，相距 %2
        outside by %1: snapped to the nearest grid ⇒ 在网格外 %1：已归入最近的网格
        on a shared boundary: given to the grid with the lowest code ⇒ 位于共用边界上：归入编码最小的网格
        \t(no one on duty) ⇒ \t（无人值守）
        unit gridder %1: base %2 from the point ⇒ 单元网格员 %1：驻地距该点 %2
        minimal emergency unit (%1 nearest on duty): ⇒ 最小应急单元（最近的 %1 名在岗人员）：
        in: %1 ⇒ 所在：%1
        %1 s left ⇒ 剩余 %1 秒
        geocoding %1 ⇒ 正在地理编码 %1
        assigning %1 ⇒ 正在分配 %1
        importing %1 ⇒ 正在导入 %1
        building index %1 of %2 ⇒ 正在建立第 %1 个索引（共 %2 个）
        reassigning ⇒ 正在重新归属
        dispatching ⇒ 正在派发
        escalating overdue cases, open cases looked at ⇒ 正在上报超时案件，已查看的未办结案件
        open cases looked at ⇒ 已查看的未办结案件
        cases counted ⇒ 已统计的案件
        cases written ⇒ 已写出的案件
        grids compared ⇒ 已比较的网格
        upgrading %1 (schema step %2 of %3), rows rewritten ⇒ 正在升级 %1（结构第 %2 步，共 %3 步），已改写的行
        address '%1' → %2 '%3', confidence %4%5 ⇒ 地址“%1” → %2“%3”，置信度 %4%5
        point %1 (CGCS2000) on %2 ⇒ 点 %1（CGCS2000），日期 %2
        %1: %2 %3 places (%4 names) ⇒ %1：%2 个%3地点（%4 个名称）
        , replacing %1 ⇒ ，替换 %1 个
        , %1 located in the grids ⇒ ，%1 个已落入网格
        , %1 house-number ranges ⇒ ，%1 个门牌号段
        interpolated ⇒ 插值定位
        one character differs ⇒ 有一个字不同
        certain only to %1 ⇒ 仅确定到 %1
        not confident: check the address ⇒ 把握不大：请核对地址
        %1 close alternatives ⇒ 另有 %1 个相近的候选
        %1 cases ⇒ 共 %1 件案件
        %1 people, %2 on duty on %3 ⇒ 共 %1 人，%3 在岗 %2 人
        grids: %1 ⇒ 网格：%1
        %1 is %2 of %3 from %4 to %5 ⇒ %1 自 %4 至 %5 担任 %3 的%2
        %1 is %2 of %3 from %4 ⇒ %1 自 %4 起担任 %3 的%2
        %1 grids, %2 gridders: largest ratio %3 → %4 (lower bound %5%6), CV %7 → %8, largest radius %9 → %10 m, %11 over capacity → %12; %13 \
        moves%14 in %15 s ⇒ %1 个网格，%2 名网格员：最大负荷比 %3 → %4（下限 %5%6），变异系数 %7 → %8，最大服务半径 %9 → %10 米，超负荷 %11 → %12 人；调整 %13 处%14，用时 %15 秒
        , optimal ⇒ ，已是最优
         (fewest) ⇒ （最少）
          block %1 at %2 (%3 households, %4 residents, %5 m²) alone exceeds %6: it is the grid %7 of its own ⇒   街区 %1（%2；%3 户，%4 人，%5 平方米）单独就超过%6：自成网格 %7
        the maximum %1 households ⇒ 上限 %1 户
        the maximum %1 households or %2 residents ⇒ 上限 %1 户或 %2 人
          %1 dedicated grids (exempt from the bounds), %2 households: %3 ⇒   %1 个专属网格（不受规模限制），共 %2 户：%3
          %1 grids surround other grids (holes; validate warns): %2 ⇒   %1 个网格环绕其他网格（有洞，validate 会警告）：%2
          %1 grids over %2 residents: %3 ⇒   %1 个网格人口超过 %2：%3
          %1 grids with a radius over %2 m: %3 ⇒   %1 个网格半径超过 %2 米：%3
          seeds: %1 in %2; %3 grids hold exactly one ⇒   种子点：%2 内 %1 个；%3 个网格恰含一个
          seeds: %1 in %2; %3 grids hold exactly one; %4 grids hold none: %5 ⇒   种子点：%2 内 %1 个；%3 个网格恰含一个；%4 个网格一个也没有：%5
          %1 grids are in several parts (the parent's blocks do not connect): %2 ⇒   %1 个网格分成几块（上级的街区互不相连）：%2
          warning: %1 grids between %2 and the new %3 grids keep no children: %4 ⇒   警告：%2 与新的%3网格之间有 %1 个网格不再有下级：%4
          redraw: %1 blocks, %2 households, %3 buildings, %4 cases change grid; %5 grids changed; edges on old grid boundaries \
        where no barrier runs: %6 segments ⇒   重划：%1 个街区、%2 户、%3 栋建筑、%4 件案件换了网格；%5 个网格有变化；沿旧网格边界而没有障碍线的边：%6 段
          redraw: %1 blocks, %2 households, %3 buildings change grid; %4 grids changed; edges on old grid boundaries where no \
        barrier runs: %5 segments ⇒   重划：%1 个街区、%2 户、%3 栋建筑换了网格；%4 个网格有变化；沿旧网格边界而没有障碍线的边：%5 段
          %1: %2 households, %3 residents cannot meet the bounds in %4 grids (%5 would): its grids are left as they are ⇒   \
        %1：%2 户、%3 人在 %4 个网格内无法满足规模要求（需要 %5 个）：其网格保持不变
          %1: %2 households cannot meet the bounds in %3 grids (%4 would): its grids are left as they are ⇒   \
        %1：%2 户在 %3 个网格内无法满足规模要求（需要 %4 个）：其网格保持不变
          primary gridders of changed grids: %1 ⇒   涉及网格的主责网格员：%1
        , at most %1 residents ⇒ ，人口至多 %1
        , radius at most %1 m ⇒ ，半径至多 %1 米
        , at most %1 residents, radius at most %2 m ⇒ ，人口至多 %1，半径至多 %2 米
        the address is %1 characters long, over the limit of %2 ⇒ 地址长 %1 个字符，超过上限 %2
        this answer holds names and phone numbers: it needs a bearer token on a server beyond loopback ⇒ 此答复含姓名和电话：非本机访问的服务器需要 Bearer 令牌
        send Authorization: Bearer TOKEN with a token of the server's --read-tokens or --token-file ⇒ \
        请发送 Authorization: Bearer 令牌，令牌取自服务器的 --read-tokens 或 --token-file
        the answer took longer than %1 s ⇒ 答复用时超过 %1 秒
        ask again; a simpler question (a point) answers sooner ⇒ 请重试；更简单的问题（一个点）答得更快
        the text holds a NUL character (\\u0000), which would cut it short: remove it ⇒ 文本含有 NUL 字符（\\u0000），会被截断：请删除它
        """)
}
