extension MessageCatalogue {
    /// Texts users meet most and words used as values (level names, "standard output").
    static let chineseCommon = table(
        """
        no such file ⇒ 文件不存在
        no such GeoPackage ⇒ GeoPackage 文件不存在
        no such plan ⇒ 规划文件不存在
        cannot read the file ⇒ 无法读取该文件
        the file has no layers ⇒ 文件中没有图层
        the plan has no grids ⇒ 规划中还没有网格
        empty CRS name ⇒ 坐标系名称为空
        '%1' is not a CRS gridplan knows ⇒ “%1”不是 gridplan 认识的坐标系
        give EPSG:NNNN (e.g. EPSG:4490, EPSG:4547), wgs84, cgcs2000, gcj02 or bd09, a PROJ string (+proj=…), WKT, PROJJSON, or a CRS's exact name ⇒ \
        请写 EPSG:NNNN（如 EPSG:4490、EPSG:4547）、wgs84、cgcs2000、gcj02 或 bd09，或 PROJ 字符串（+proj=…）、WKT、PROJJSON，或坐标系的准确名称
        the gazetteer is empty, so addresses cannot be placed ⇒ 地名库为空，无法定位地址
        load it with `gridplan gazetteer import`, or give the point ⇒ 请用 `gridplan gazetteer import` 导入地名库，或直接给出坐标
        %1: the gazetteer is empty; load it with `gridplan gazetteer import` (--defaults for the sample) ⇒ %1：地名库为空；请用 `gridplan gazetteer import` \
        导入（加 --defaults 导入示例数据）
        the gazetteer is empty: loading the sample (%1/chikan) first ⇒ 地名库为空：先导入示例数据（%1/chikan）
        standard input is empty ⇒ 标准输入为空
        pipe a file in, or give its path ⇒ 请用管道输入文件，或给出文件路径
        the coordinates have no CRS ⇒ 坐标没有坐标系
        no coordinate reference system ⇒ 没有坐标系
        no coordinate reference system (no .prj, no CRS in the file) ⇒ 没有坐标系（没有 .prj 文件，文件中也未写明坐标系）
        give it with %1, e.g. EPSG:4490 ⇒ 请用 %1 指定，如 EPSG:4490
        give it with %1, e.g. EPSG:4490 or gcj02 ⇒ 请用 %1 指定，如 EPSG:4490 或 gcj02
        give it with %1, e.g. %2 EPSG:4490, %3 wgs84, %4 gcj02 ⇒ 请用 %1 指定，如 %2 EPSG:4490、%3 wgs84、%4 gcj02
        give it with %1 (wgs84, gcj02, bd09, cgcs2000 or EPSG:NNNN) ⇒ 请用 %1 指定（wgs84、gcj02、bd09、cgcs2000 或 EPSG:NNNN）
        give it with %1 (wgs84 for GPS, gcj02 for Amap/Tencent, bd09 for Baidu, cgcs2000, or EPSG:NNNN) ⇒ 请用 %1 指定（GPS 用 wgs84，高德/腾讯用 gcj02，百度用 \
        bd09，或 cgcs2000、EPSG:NNNN）
        no person with id %1 ⇒ 没有编号为 %1 的人员
        add them with `gridplan people import` ⇒ 请用 `gridplan people import` 添加人员
        no grid has code %1 (grids without a code get one from `gridplan codes`) ⇒ 没有编码为 %1 的网格（没有编码的网格可用 `gridplan codes` 编码）
        no case with id %1 ⇒ 没有编号为 %1 的案件
        no current grid with code %1 ⇒ 当前没有编码为 %1 的网格
        case %1 has no handler yet ⇒ 案件 %1 还没有处理人
        is not a whole number ≥ 0 ⇒ 不是大于等于 0 的整数
        missing ⇒ 缺失
        standard output ⇒ 标准输出
        no CRS (none had any) ⇒ 无坐标系（所有行都没有坐标）
        street ⇒ 街道
        community ⇒ 社区
        area ⇒ 片区
        unit ⇒ 单元
        gave ⇒ 已赋予
        would give ⇒ 将赋予
        another process (a second gridplan command, QGIS editing, …) is writing the plan; waited %1 s for it to finish. Nothing was written: run the \
        command again when it is done. ⇒ 另一个进程（另一条 gridplan 命令、QGIS 编辑等）正在写入规划文件；已等待 %1 秒仍未结束。未写入任何内容：请待其完成后重新运行命令。
        '%1' is not a CRS gridplan knows (PROJ's nearest name is '%2') ⇒ “%1”不是 gridplan 认识的坐标系（PROJ 中最接近的名称是“%2”）
        %1 %2: %3 ⇒ %1 %2：%3
        %1: %2 ⇒ %1：%2
        comprehensive ⇒ 综合
        industrial_park ⇒ 工业园区
        school ⇒ 学校
        hospital ⇒ 医院
        market ⇒ 市场
        enterprise ⇒ 企业
        commercial ⇒ 商业
        dedicated ⇒ 专属
        road ⇒ 道路
        poi ⇒ 兴趣点
        building ⇒ 楼栋
        compound ⇒ 小区
        address ⇒ 门牌地址
        admin ⇒ 行政区划
        house_number ⇒ 门牌号
        grid ⇒ 网格
        county ⇒ 区县
        city ⇒ 地级市
        province ⇒ 省
        none ⇒ 无
        inside ⇒ 在网格内
        boundary ⇒ 在边界上
        snapped ⇒ 就近归入
        outside ⇒ 在网格外
        no_location ⇒ 无位置
        bad_location ⇒ 位置有误
        %1 people, %2 grids (%3 without a primary) on %4: largest ratio %5, mean %6, CV %7, Gini %8, largest radius %9 m, %10 over capacity ⇒ %4：%1 \
        人，%2 个网格（%3 个没有专职网格员）：最大负荷比 %5，平均 %6，变异系数 %7，基尼系数 %8，最大服务半径 %9 米，超负荷 %10 人
          %1 grid loads: %2 grids, max %3, mean %4, max/mean %5, CV %6, Gini %7 ⇒   %1网格工作量：%2 个网格，最大 %3，平均 %4，最大/平均 %5，变异系数 %6，基尼系数 %7
        primary ⇒ 专职网格员
        backup ⇒ 兼职网格员
        chief ⇒ 网格长
        reported ⇒ 已上报
        verified ⇒ 已核实
        accepted ⇒ 已受理
        dispatched ⇒ 已派遣
        handled ⇒ 已处置
        checked ⇒ 已核查
        closed ⇒ 已结案
        feedback ⇒ 已评价
        returned ⇒ 已退回
        reopened ⇒ 重新打开
        %1 %2 is the plan file (%3 %4): writing there would destroy the plan ⇒ %1 %2 就是规划文件（%3 %4）：写到那里会毁掉规划
        %1 %2 is the file this command reads (%3): writing there would destroy the input ⇒ %1 %2 是本命令读取的文件（%3）：写到那里会毁掉输入
        give %1 another file ⇒ 请给 %1 另一个文件
        cannot put the finished file in place (%1) ⇒ 无法把写好的文件放到位（%1）
        %1 %2: not an encoding gridplan knows ⇒ %1 %2：gridplan 不认识这种编码
        give e.g. GB18030 (or GBK, CP936) for Chinese Windows files, BIG5, UTF-16, UTF-8; `iconv -l` lists them all ⇒ 请写如 GB18030（中文 Windows \
        文件，也可写 GBK、CP936）、BIG5、UTF-16、UTF-8；`iconv -l` 列出全部编码
        the file looks like UTF-16 text without a byte order mark, which gridplan does not guess ⇒ 文件看起来是没有字节顺序标记的 UTF-16 文本，gridplan 不做猜测
        save it as UTF-8, or give %1 UTF-16LE (or UTF-16BE) ⇒ 请另存为 UTF-8，或用 %1 UTF-16LE（或 UTF-16BE）指定
        GDAL cannot read this %1 file as vector data ⇒ GDAL 无法把这个 %1 文件读作矢量数据
        save it as UTF-8 (or give %1 for a CSV) ⇒ 请另存为 UTF-8（CSV 文件也可用 %1 指定编码）
        %1: another process (a second gridplan writer, QGIS editing, …) is writing the plan; waiting up to %2 s for it ⇒ %1：另一个进程（另一个 gridplan \
        写入命令、QGIS 编辑等）正在写入规划；最多等待 %2 秒
        """)
}
